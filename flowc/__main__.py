from flowc.cli.main import main

raise SystemExit(main())
