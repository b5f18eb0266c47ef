from backcare_desktop.cli import main

raise SystemExit(main())
