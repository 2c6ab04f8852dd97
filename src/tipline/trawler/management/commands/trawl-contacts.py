"""tipline trawl-contacts: the hosts' abuse contacts the takedown notices go to."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.trawler.contacts import contacts_export, contacts_import, contacts_import_rdap


class Command(BaseCommand):
    help = ("The abuse contacts takedown notices go to. `import FILE` applies a contacts CSV "
            "(host, network, asn, email, name; all or nothing), `export FILE` writes the "
            "table (`-`: standard output), `import-rdap FILE...` reads the abuse contacts of "
            "RDAP responses saved as JSON (a domain, an IP network or an AS). See "
            "docs/formats/abuse-contacts.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="apply a contacts CSV")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="write the contacts CSV")
        exp.add_argument("file", help="file to write ('-': standard output)")
        rdap = sub.add_parser("import-rdap", help="read RDAP responses saved as JSON")
        rdap.add_argument("files", type=Path, nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        actor = system_user("cli")
        try:
            if action == "import":
                text = options["file"].read_text(encoding="utf-8-sig")
                self.stdout.write(contacts_import(actor=actor, text=text).summary())
            elif action == "import-rdap":
                self.stdout.write(contacts_import_rdap(actor=actor,
                                                       paths=options["files"]).summary())
            else:
                text = contacts_export()
                if options["file"] == "-":
                    sys.stdout.write(text)
                else:
                    Path(options["file"]).write_text(text, encoding="utf-8")
                    self.stdout.write(f"wrote {options['file']}: {text.count(chr(10)) - 1} "
                                      "contacts")
        except OSError as exc:
            raise CommandError(f"cannot read or write the file: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("the file is not UTF-8 text") from exc
        except (RejectedInput, NotPermitted) as exc:
            raise CommandError(str(exc)) from exc
