# Baseline for the cargo-manifest benchmark: Python's tarfile + tomllib doing the same work
# (open each .crate, stop at {root}/Cargo.toml, parse it). Prints one JSON line like the worker.
import json, os, re, resource, sys, tarfile, time, tomllib

corpus, repeat = sys.argv[1], int(sys.argv[2])
files = sorted(f for f in os.listdir(corpus) if f.endswith('.crate'))
start = time.perf_counter()
crates = deps = 0
for _ in range(repeat):
    for name in files:
        root = name[: -len('.crate')]
        with tarfile.open(os.path.join(corpus, name), 'r:gz') as tar:
            for member in tar:
                if member.name == f'{root}/Cargo.toml':
                    manifest = tomllib.loads(tar.extractfile(member).read().decode('utf-8'))
                    deps += len(manifest.get('dependencies', {}))
                    break
        crates += 1
ms = (time.perf_counter() - start) * 1000
print(json.dumps({'crates': crates, 'deps': deps, 'ms': round(ms), 'rssMiB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
