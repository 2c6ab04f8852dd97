"""tipline pdq-index serve: the shared PDQ index service (media/index_service.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.media.index_service import IndexServer, shard_prefixes


class Command(BaseCommand):
    help = ("Serve the banks' PDQ hashes to every worker: `serve [--bind 127.0.0.1:8801] "
            "[--shard K/N]`; workers use it when TIPLINE_PDQ_INDEX_URL names it (or all its "
            "shards, comma-separated).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="answer PDQ searches over HTTP")
        serve.add_argument("--bind", default="127.0.0.1:8801",
                           help="address and port (loopback or the private network only)")
        serve.add_argument("--shard", default="0/1",
                           help="K/N: hold the K-th of N shares of the hashes, by first hex "
                                "digit (default 0/1: all of them)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = options["bind"].rpartition(":")
        try:
            shard_prefixes(options["shard"])
            server = IndexServer((host or "127.0.0.1", int(port)), shard=options["shard"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        health = server.health()
        self.stdout.write(f"PDQ index shard {health['shard']} ({health['prefixes']}): "
                          f"{health['entries']} hashes, on http://{options['bind']}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
