#!/usr/bin/env bash
# Makes the demo cameras' clips once (they are committed, small): four distinct test pictures, 8 s each, 640x360 at
# 25 fps, H.264 constrained baseline at ~250 kbit/s, a key frame every second and 1 s MPEG-TS segments, so the backend
# can loop them as live HLS (see src/backend/media/demo-hls.ts). Each frame carries the camera's label and the clip's
# running time. Needs Debian's ffmpeg (apt-get install ffmpeg) and fonts-noto-cjk.
set -euo pipefail
out="$(cd "$(dirname "$0")/../.." && pwd)/resources/video/demo"
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
sources=(
  "testsrc2=size=640x360:rate=25"
  "smptehdbars=size=640x360:rate=25"
  "mandelbrot=size=640x360:rate=25"
  "life=size=640x360:rate=25:mold=10:ratio=0.1:death_color=#102030:life_color=#40c0ff"
)
rm -rf "$out"
for index in "${!sources[@]}"; do
  clip="$out/clip-$index"
  mkdir -p "$clip"
  ffmpeg -hide_banner -loglevel error -f lavfi -i "${sources[$index]}" -t 8 \
    -vf "drawtext=fontfile=$font:text='演示摄像机 DEMO-$index  %{pts\\:hms}':x=16:y=16:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6" \
    -c:v libx264 -profile:v baseline -pix_fmt yuv420p -b:v 250k -maxrate 300k -bufsize 300k \
    -g 25 -keyint_min 25 -sc_threshold 0 -an \
    -f hls -hls_time 1 -hls_list_size 0 -hls_segment_filename "$clip/seg-%03d.ts" "$clip/clip.m3u8"
  rm "$clip/clip.m3u8"  # the backend writes its own live playlists
done
du -sh "$out"
