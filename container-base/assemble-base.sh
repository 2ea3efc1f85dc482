#!/usr/bin/env bash
# Assembles the JRE base image of the engine and operator images as a docker-archive tar, without
# a container runtime or registry (neither exists on the build machines): glibc and the C++ runtime
# from Debian packages, plus a runtime jlinked from the build's own JDK with the modules the
# services use. Usage: assemble-base.sh <output-dir> <image-uid>
set -euo pipefail
out=$1
uid=$2
work="$out/jre-base"
rootfs="$work/rootfs"
debs="$work/debs"
rm -rf "$work"
mkdir -p "$rootfs" "$debs"

packages=(libc6 libgcc-s1 libstdc++6 zlib1g)
if ! (cd "$debs" && apt-get download -q "${packages[@]}" >/dev/null 2>&1); then
  # Package lists older than the mirror name versions it no longer serves.
  apt-get update -q >/dev/null
  (cd "$debs" && apt-get download -q "${packages[@]}" >/dev/null)
fi
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$rootfs"
done
rm -rf "$rootfs"/usr/share/{doc,lintian,man,locale}

jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# java.se for the platform; the jdk.* modules are what netty, Hazelcast, Ratis and Micrometer
# reach for (Unsafe, OperatingSystemMXBean, DNS discovery) plus JFR for diagnosing a live pod.
"$jdk/bin/jlink" \
  --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$rootfs/opt/java"

mkdir -p "$rootfs/tmp" "$rootfs/proc" "$rootfs/etc"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nesc:x:%s:%s:EventStreamCore:/tmp:/sbin/nologin\n' \
  "$uid" "$uid" >"$rootfs/etc/passwd"
printf 'root:x:0:\nesc:x:%s:\n' "$uid" >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

image="$work/image"
mkdir -p "$image"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$image/layer.tar" .
diff_id=$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
java_version=$("$rootfs/opt/java/bin/java" -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java.runtime.version = //p')
cat >"$image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"User":"$uid","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],
   "Labels":{"org.opencontainers.image.description":"JRE $java_version on Debian glibc"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["eventstreamcore/jre-base:17"],"Layers":["layer.tar"]}]' \
  >"$image/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$image" \
  -cf "$out/jre-base.tar" manifest.json config.json layer.tar
rm -rf "$work"
echo "jre-base.tar: JRE $java_version, $(du -h "$out/jre-base.tar" | cut -f1)"
