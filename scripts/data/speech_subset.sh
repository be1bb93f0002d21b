#!/usr/bin/env bash
# Makes a folder of links to the speech files of chosen packages from a speech.sh layout, e.g.
#   bash scripts/data/speech_subset.sh /work/data/speech /work/data/speech-subset klettres-data ktuberling-data hedgewars-data 0ad-data
# links SRC/{train,val}/speech/PACKAGE__*.wav into DST/{train,val}/speech/ (noise folders are linked whole).
# Why: measured on 2026-12-03, the shipped espeak-trained model passes tuxpaint-stamps "speech" through with only
# 10.8 dB SI-SDR (16-23 dB for the other packages): those recordings carry background sound of their own, which a
# denoiser must not learn to keep.
set -euo pipefail
src=${1:?usage: speech_subset.sh SRC DST PACKAGE...}; dst=${2:?usage: speech_subset.sh SRC DST PACKAGE...}; shift 2
[[ $# -ge 1 ]] || { echo "name at least one package" >&2; exit 2; }
for split in train val; do
  mkdir -p "$dst/$split/speech"
  find "$dst/$split/speech" -maxdepth 1 -type l -delete
  for pkg in "$@"; do
    for f in "$src/$split/speech/$pkg"__*.wav; do
      [[ -e "$f" ]] && ln -s "$(realpath "$f")" "$dst/$split/speech/$(basename "$f")"
    done
  done
  ln -sfn "$(realpath "$src/$split/noise")" "$dst/$split/noise"
  echo "$split: $(ls "$dst/$split/speech" | wc -l) speech files"
done
