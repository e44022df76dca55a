"""Roster import benchmark: hashing one password after another against all cores at once.

    python bench/roster.py                 # 40 rows, production argon2 parameters
    python bench/roster.py --rows 200

Prints the time to hash the passwords serially (as the import did before) and with
``auth.hash_passwords`` (a thread per core; argon2 releases the GIL), then a whole
``users import`` of the same number of rows into a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from academy import auth
from academy.cli import main as cli_main


def timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args(argv)
    passwords = [f"password-{index:05}" for index in range(args.rows)]
    cores = os.cpu_count() or 1
    hasher = auth._hasher
    load = os.getloadavg()[0]
    print(f"{args.rows} passwords, argon2id m={hasher.memory_cost} KiB t={hasher.time_cost}, {cores} cores")
    print(f"load average before the run: {load:.1f} (threads only help when cores are free)")

    serial = timed(lambda: [auth.hash_password(password) for password in passwords])
    parallel = timed(lambda: auth.hash_passwords(passwords))
    print(f"hash serially      {serial:6.2f} s  ({serial / args.rows * 1000:.0f} ms per row)")
    per_row = parallel / args.rows * 1000
    print(f"hash_passwords     {parallel:6.2f} s  ({per_row:.0f} ms per row, {serial / parallel:.2f}x faster)")

    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        roster.write_text("username\n" + "".join(f"user{index:05}\n" for index in range(args.rows)))
        url = f"sqlite:///{folder}/academy.db"
        cli_main(["db", "upgrade", "--database-url", url])
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            whole = timed(
                lambda: cli_main(
                    ["users", "import", str(roster), "--database-url", url, "--passwords-out", f"{folder}/pw.csv"]
                )
            )
    print(f"users import       {whole:6.2f} s  (checks, hashing, one transaction, passwords file)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
