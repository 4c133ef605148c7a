from s3lib.cli import main

raise SystemExit(main())
