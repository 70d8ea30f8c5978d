"""Manage the workspace's secrets for `dbutils.secrets`.

    python -m jupyter_lakehouse.secrets put SCOPE KEY       # value from a prompt or stdin
    python -m jupyter_lakehouse.secrets list [SCOPE]
    python -m jupyter_lakehouse.secrets delete SCOPE KEY

The workspace home is $LAKEHOUSE_HOME, else ./.lakehouse (as for the server), or --home.
A value is never taken from the command line, where other users could see it in `ps`.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from .store import SecretStore, SecretStoreError, secrets_path


def _home(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("LAKEHOUSE_HOME")
    return Path(env) if env else Path.cwd() / ".lakehouse"


def _read_value() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Secret value: ")
    return sys.stdin.read().rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jupyter_lakehouse.secrets", description=__doc__.split("\n")[1]
    )
    parser.add_argument("--home", help="workspace home (default: $LAKEHOUSE_HOME or ./.lakehouse)")
    commands = parser.add_subparsers(dest="command", required=True)
    put = commands.add_parser("put", help="add or replace a secret (value from a prompt or stdin)")
    put.add_argument("scope")
    put.add_argument("key")
    listing = commands.add_parser("list", help="scopes, or the keys of one scope (never values)")
    listing.add_argument("scope", nargs="?")
    delete = commands.add_parser("delete", help="remove a secret")
    delete.add_argument("scope")
    delete.add_argument("key")
    args = parser.parse_args(argv)
    store = SecretStore(secrets_path(_home(args.home)))
    try:
        if args.command == "put":
            store.put(args.scope, args.key, _read_value())
            print(f"Stored secret {args.scope}/{args.key} in {store.path}")
        elif args.command == "list":
            names = store.scopes() if args.scope is None else store.keys(args.scope)
            if names is None:
                print(f"no scope {args.scope!r}", file=sys.stderr)
                return 1
            print("\n".join(names))
        elif not store.delete(args.scope, args.key):
            print(f"no secret {args.scope}/{args.key}", file=sys.stderr)
            return 1
    except SecretStoreError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
