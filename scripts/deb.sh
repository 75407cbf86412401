#!/usr/bin/env bash
# Builds nudge_VERSION_ARCH.deb (`make deb`) with Debian's own tools.
#
# dpkg-deb from the tree `make install DESTDIR=… PREFIX=/usr` stages, with a control file written here:
# nudge builds with a Swift toolchain Debian does not package, so dpkg-buildpackage's build-dependency
# checks and clean/build rules would only be skipped or faked. Debian's tools do what they are for:
# dpkg-shlibdeps computes Depends from the binary, dpkg-deb builds the archive (root-owned, no fakeroot),
# and `lintian` checks it.
#
#   scripts/deb.sh [OUTDIR]      build into OUTDIR (default: .build/deb); prints the .deb's path last
#
# NUDGE_BIN=PATH packages a binary built elsewhere; SOURCE_DATE_EPOCH fixes the dates (default: the
# last commit's), so the same tree gives the same package.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-.build/deb}
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/NudgeCore/Version.swift)
[ -n "$version" ] || { echo "deb: no version in Sources/NudgeCore/Version.swift" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || { echo "deb: $tool is missing; scripts/deps --deb installs it" >&2; exit 69; }
done
arch=$(dpkg --print-architecture)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
make --no-print-directory install DESTDIR="$root" PREFIX=/usr ZSHCOMPDIR=/usr/share/zsh/vendor-completions >&2
doc="$root/usr/share/doc/nudge"
# The package must run without a Swift toolchain: a binary from `swift build` alone (scripts/gen-man.sh
# makes one) needs the toolchain's libraries.
if ldd "$root/usr/bin/nudge" | grep -E 'libswift|libFoundation|libdispatch' >&2; then
    echo "deb: $root/usr/bin/nudge needs the Swift libraries above; build it with make build" >&2
    exit 1
fi

# Debian's places and forms: man pages gzipped, a changelog and a copyright file beside the docs.
find "$root/usr/share/man" -type f -exec gzip -9n {} +
# bash-completion sources its files: no #! line.
sed -i '1{/^#!/d}' "$root/usr/share/bash-completion/completions/nudge"
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf 'nudge (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- nudge maintainers <nudge@example.org>  %s\n' \
    "$version" "$version" "$changelog_date" | gzip -9n >"$doc/changelog.gz"
cp debian/copyright "$doc/copyright"
chmod 0644 "$doc/changelog.gz" "$doc/copyright"

# Depends from the libraries the binary links (libcurl is loaded only for [sync]: a recommendation).
mkdir -p "$work/debian"
printf 'Source: nudge\n\nPackage: nudge\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e root/usr/bin/nudge 2>/dev/null | sed -n 's/^shlibs:Depends=//p')

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
    debian/control.in >"$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb="$out/nudge_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
