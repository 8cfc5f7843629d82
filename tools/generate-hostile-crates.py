#!/usr/bin/env python3
"""Writes test-fixtures/crates/: small .crate archives, hostile and legacy, built with Python's
tarfile (independent of the tar-stream code under test), and expected.json saying what
readCrateArchive must answer for each. Deterministic. Usage: tools/generate-hostile-crates.py <dir>"""
import gzip, io, json, os, sys, tarfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
MANIFEST = b'[package]\nname = "demo"\nversion = "1.0.0"\nedition = "2021"\n'


def entry(name, data=b'', kind=tarfile.REGTYPE, link=''):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mtime, info.mode = kind, link, 0, 0o644
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def crate(entries):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.GNU_FORMAT) as tar:
        for info, data in entries:
            tar.addfile(info, data)
    return gzip.compress(raw.getvalue(), mtime=0)


def ok():
    return [entry('demo-1.0.0/Cargo.toml', MANIFEST), entry('demo-1.0.0/src/lib.rs')]


cases = {
    'valid': (crate(ok()), None),
    'parent-path': (crate([entry('demo-1.0.0/../../etc/evil', b'x')] + ok()), 'CRATE_PATH_OUTSIDE_ROOT'),
    'absolute-path': (crate([entry('/etc/cron.d/evil', b'x')] + ok()), 'CRATE_PATH_OUTSIDE_ROOT'),
    'other-root': (crate([entry('other-1.0.0/Cargo.toml', MANIFEST)]), 'CRATE_PATH_OUTSIDE_ROOT'),
    'symlink': (crate(ok() + [entry('demo-1.0.0/link', kind=tarfile.SYMTYPE, link='/etc/passwd')]), 'CRATE_ENTRY_TYPE'),
    'hardlink': (crate(ok() + [entry('demo-1.0.0/hard', kind=tarfile.LNKTYPE, link='demo-1.0.0/Cargo.toml')]), 'CRATE_ENTRY_TYPE'),
    'char-device': (crate(ok() + [entry('demo-1.0.0/dev', kind=tarfile.CHRTYPE)]), 'CRATE_ENTRY_TYPE'),
    'fifo': (crate(ok() + [entry('demo-1.0.0/fifo', kind=tarfile.FIFOTYPE)]), 'CRATE_ENTRY_TYPE'),
    'no-manifest': (crate([entry('demo-1.0.0/src/lib.rs')]), 'CRATE_NO_MANIFEST'),
    'truncated': (crate(ok())[:40], 'CRATE_CORRUPT'),
    'not-gzip': (b'PK\x03\x04 this is a zip, not a crate', 'CRATE_CORRUPT'),
    # 64 MiB of zeros compress to ~64 KiB: over max(floor, 20 x size) with the test's 1 MiB floor.
    'gzip-bomb': (crate(ok() + [entry('demo-1.0.0/zeros', bytes(64 * 1024 * 1024))]), 'CRATE_GZIP_BOMB'),
    'huge-manifest': (crate([entry('demo-1.0.0/Cargo.toml', MANIFEST + b'#' + b'x' * (5 * 1024 * 1024) + b'\n')]), 'CRATE_MANIFEST_TOO_LARGE'),
    'legacy-lowercase-manifest': (crate([entry('demo-1.0.0/cargo.toml', MANIFEST)]), None),
    'legacy-root-case': (crate([entry('Demo-1.0.0/Cargo.toml', MANIFEST)]), None),
}
expected = {}
# Options readCrateArchive is called with; the bomb uses a 1 MiB floor instead of cargo's 512 MiB.
options = {'gzip-bomb': {'maxUnpackSize': 1024 * 1024}}
for name, (data, code) in cases.items():
    with open(os.path.join(out, f'{name}.crate'), 'wb') as f:
        f.write(data)
    expected[f'{name}.crate'] = {'code': code, 'options': options.get(name, {})}
with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write('\n')
print(f'wrote {len(cases)} crates to {out}')
