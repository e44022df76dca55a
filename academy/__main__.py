from academy.cli import main

raise SystemExit(main())
