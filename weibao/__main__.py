import sys

from weibao.cli import main

sys.exit(main())
