#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/mkimage.py: OCI image layouts made by the tests themselves, with no registry.

  mkimage.py base DIR [--second] [--gzip|--zstd|--tar]
      busybox-static in a base layer (with /etc/passwd, a user app 1000, a file gone.txt
      and a folder keep/), then a layer that deletes gone.txt (.wh.gone.txt) and makes
      keep/ opaque (.wh..wh..opq); --second: another top layer over the same base
  mkimage.py bad DIR KIND
      an image wrong in one way (KIND: wrong-digest, missing-blob, media-type,
      other-platform, truncated, dotdot, absolute, symlink-slip, hardlink-out, device,
      too-big, wrong-diffid)
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

BUSYBOX = "/bin/busybox"
APPLETS = ["sh", "cat", "ls", "id", "env", "pwd", "echo", "test", "stat", "true", "touch",
           "mkdir", "rm", "printf", "head", "grep", "wc", "readlink", "sleep", "find"]
LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layer:
    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.PAX_FORMAT)

    def add(self, name, kind=tarfile.REGTYPE, data=b"", mode=0o644, uid=0, gid=0, link="",
            size=None, dev=(0, 0)):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.mtime = 1700000000
        ti.linkname = link
        ti.devmajor, ti.devminor = dev
        if kind == tarfile.REGTYPE and size is None:
            ti.size = len(data)
            self.tar.addfile(ti, io.BytesIO(data))
        else:
            ti.size = size or 0
            self.tar.addfile(ti)
        return self

    def dir(self, name, mode=0o755, uid=0, gid=0):
        return self.add(name, tarfile.DIRTYPE, mode=mode, uid=uid, gid=gid)

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


def base_layer():
    layer = Layer().dir("./")
    layer.dir("bin")
    with open(BUSYBOX, "rb") as f:
        layer.add("bin/busybox", data=f.read(), mode=0o755)
    for a in APPLETS:
        layer.add("bin/" + a, tarfile.SYMTYPE, link="busybox", mode=0o777)
    layer.dir("etc")
    layer.add("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\n"
              b"app:x:1000:1000:app:/home/app:/bin/sh\n")
    layer.add("etc/group", data=b"root:x:0:\napp:x:1000:\nstaff:x:50:\n")
    layer.dir("home")
    layer.dir("home/app", uid=1000, gid=1000)
    layer.dir("work", uid=1000, gid=1000)
    layer.dir("root", mode=0o700)
    layer.add("gone.txt", data=b"deleted by the top layer\n")
    layer.dir("keep")
    layer.add("keep/a.txt", data=b"a\n")
    layer.add("keep/b.txt", data=b"b\n")
    layer.add("owned.txt", data=b"x\n", uid=1000, gid=50)
    return layer.bytes()


def top_layer(second=False):
    layer = Layer()
    if second:
        layer.add("second.txt", data=b"the second image\n")
        return layer.bytes()
    layer.add(".wh.gone.txt")
    layer.dir("keep")
    layer.add("keep/.wh..wh..opq")
    layer.add("keep/c.txt", data=b"c\n")
    layer.dir("work", uid=1000, gid=1000)
    layer.add("work/hello.txt", data=b"hello\n", uid=1000, gid=1000)
    return layer.bytes()


def compress(data, how):
    if how == "gzip":
        return gzip.compress(data, 6, mtime=0), LAYER_TAR + "+gzip"
    if how == "zstd":
        out = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                             check=True).stdout
        return out, LAYER_TAR + "+zstd"
    return data, LAYER_TAR


class Layout:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def blob(self, data):
        d = sha(data)
        with open(os.path.join(self.path, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(data)
        return d

    def desc(self, media, data):
        return {"mediaType": media, "digest": self.blob(data), "size": len(data)}

    def image(self, layers, config=None, how="gzip", tag="latest", platform=None,
              arch="amd64"):
        """layers: uncompressed tars; returns the manifest descriptor"""
        descs = []
        for raw in layers:
            data, media = compress(raw, how)
            descs.append(self.desc(media, data))
        cfg = {"architecture": arch, "os": "linux",
               "config": config if config is not None else {},
               "rootfs": {"type": "layers", "diff_ids": [sha(x) for x in layers]}}
        cdata = json.dumps(cfg).encode()
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": self.desc("application/vnd.oci.image.config.v1+json", cdata),
                    "layers": descs}
        mdesc = self.desc("application/vnd.oci.image.manifest.v1+json",
                          json.dumps(manifest).encode())
        if platform:
            mdesc["platform"] = platform
        if tag:
            mdesc["annotations"] = {"org.opencontainers.image.ref.name": tag}
        return mdesc, manifest, cdata

    def index(self, manifests):
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": manifests}, f)


CONFIG = {"Env": ["PATH=/bin", "GREETING=hello from the image"],
          "Cmd": ["sh", "-c", "echo $GREETING"], "WorkingDir": "/work", "User": "app"}


def cmd_base(path, args):
    how = "gzip"
    for a in args:
        if a in ("--gzip", "--zstd", "--tar"):
            how = a[2:]
    lay = Layout(path)
    mdesc, _, _ = lay.image([base_layer(), top_layer("--second" in args)], CONFIG, how)
    lay.index([mdesc])


def bad_layer(kind):
    layer = Layer().dir("./")
    if kind == "dotdot":
        layer.add("etc/../../escape.txt", data=b"x")
    elif kind == "absolute":
        layer.add("/abs.txt", data=b"x")
    elif kind == "symlink-slip":
        layer.add("link", tarfile.SYMTYPE, link="/tmp")
        layer.add("link/slipped.txt", data=b"x")
    elif kind == "hardlink-out":
        layer.add("hard", tarfile.LNKTYPE, link="etc/shadow")
    elif kind == "device":
        layer.add("bin/busybox", data=open(BUSYBOX, "rb").read(), mode=0o755)
        layer.add("bin/sh", tarfile.SYMTYPE, link="busybox")
        layer.add("dev/null", tarfile.CHRTYPE, mode=0o666, dev=(1, 3))
        layer.add("ok.txt", data=b"ok\n")
    elif kind == "too-big":
        layer.add("huge.bin", size=1 << 50)
        return layer.buf.getvalue()
    return layer.bytes()


def cmd_bad(path, kind):
    lay = Layout(path)
    if kind in ("dotdot", "absolute", "symlink-slip", "hardlink-out", "device", "too-big"):
        mdesc, _, _ = lay.image([bad_layer(kind)], {"Cmd": ["sh", "-c", "cat /ok.txt"]})
        lay.index([mdesc])
        return
    # a layer of its own, so that the store cannot have it already
    raw = Layer().dir("./").add("kind.txt", data=kind.encode() + os.urandom(20000)).bytes()
    if kind == "wrong-diffid":
        mdesc, manifest, cdata = lay.image([raw])
        cfg = json.loads(cdata)
        cfg["rootfs"]["diff_ids"] = [sha(b"something else")]
        manifest["config"] = lay.desc(manifest["config"]["mediaType"], json.dumps(cfg).encode())
        lay.index([lay.desc(mdesc["mediaType"], json.dumps(manifest).encode())])
        return
    mdesc, manifest, _ = lay.image([raw])
    ldigest = manifest["layers"][0]["digest"]
    blob = os.path.join(path, "blobs", "sha256", ldigest[7:])
    if kind == "wrong-digest":
        # the same tar compressed otherwise: a sound stream that is not the blob named
        with open(blob, "wb") as f:
            f.write(gzip.compress(raw, 1, mtime=1))
    elif kind == "missing-blob":
        os.unlink(blob)
    elif kind == "truncated":
        # the blob and its descriptor cut short alike: only the stream itself tells
        data = open(blob, "rb").read()
        data = data[:len(data) // 2]
        os.unlink(blob)
        manifest["layers"][0] = lay.desc(manifest["layers"][0]["mediaType"], data)
        cfg_digest = manifest["config"]
        mdesc = lay.desc(mdesc["mediaType"], json.dumps(manifest).encode())
        del cfg_digest
    elif kind == "media-type":
        manifest["layers"][0]["mediaType"] = "application/vnd.example.unknown"
        mdesc = lay.desc(mdesc["mediaType"], json.dumps(manifest).encode())
    elif kind == "other-platform":
        mdesc["platform"] = {"os": "linux", "architecture": "riscv64"}
        idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
               "manifests": [mdesc]}
        mdesc = lay.desc("application/vnd.oci.image.index.v1+json", json.dumps(idx).encode())
    lay.index([mdesc])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    if sys.argv[1] == "base":
        cmd_base(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "bad":
        cmd_bad(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
