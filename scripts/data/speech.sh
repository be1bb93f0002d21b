#!/usr/bin/env bash
# Real speech and real noise for training and benchmarking the speech denoisers, taken from Debian packages
# (human recordings only: no TTS, no singing) and laid out reproducibly.
#
#   scripts/data/speech.sh [OUT]            training data (default OUT: /work/data/speech):
#                                           OUT/{train,val}/{speech,noise}/*.wav   mono 16-bit 16 kHz
#                                           OUT/{train48,val48}/{speech,noise}/*.wav  the same at 48 kHz, only
#                                             for full-band sources: source >= 44.1 kHz, energy above 14 kHz >= -70 dB
#                                             of the total in every clip (speech: and >= -55 dB in the utterance)
#                                           OUT/SOURCES.tsv, OUT/HOURS.tsv
#   scripts/data/speech.sh --bench [DIR]    the committed bench set (default DIR: models/bench/audio):
#                                           DIR/speech/*.wav, DIR/noise/*.wav (16 kHz), DIR/SOURCES.md
#   scripts/data/speech.sh --bench48 [DIR]  the same clips at 48 kHz, for full-band models (not committed: 11 MB;
#                                           default DIR: ~/.cache/hush/bench-audio-48k); hush bench audio
#                                           --rate 48000 --bench-dir DIR
#
# Split by PACKAGE: the bench packages (kajongg, gcin-voice, redeclipse-data, tuxfootball) are never used for
# training; val holds out whole speakers/languages (speech) and every 10th file (noise) of training packages.
# Debian packages are fetched once into a cache ($HUSH_SPEECH_CACHE, default ~/.cache/hush/speech) with
# `apt-get download` and unpacked with dpkg-deb (never installed). Installs itself (apt): sox, libsox-fmt-all,
# ffmpeg (for Opus), unzip. Everything is sorted, sox runs with -R (repeatable) and no dither: the same
# packages give the same files.
#
# HUSH_SPEECH_PACKAGES="klettres-data ktuberling-data ..." lays out the training speech of those packages only;
# HUSH_JOBS=N processes N speech files at once (default: every core; the result is the same).
#
# Speech: each file is mixed to mono, resampled (sox rate -h), high-passed at 50 Hz (sox sinc -t 30 50, linear phase:
# some recordings carry a DC offset of up to half their RMS, or sub-audio rumble, which is not speech and must not
# be in a clean reference), peak-normalised, trimmed of leading and trailing silence (sox silence, -40 dB); clips under 0.4 s, and band-limited clips (energy above 7 kHz < -50 dB of the
# total: 8 kHz telephone-band or low-passed recordings) are dropped. The clips of one speaker/language are then
# joined in file order, 0.15 s of silence between them, into utterances of about 3-6 s (single clips longer than
# 6 s stay whole); each utterance gets the gain that brings it to -23 dBFS RMS, or its peak to -3 dBFS if that is
# lower. Noise: mono, digital silence trimmed, at most CAP seconds per file (music 15 s), cut into pieces of
# at most 10 s (a last piece under 2 s is dropped); files under 2 s are joined per folder into ~5 s; -23 dBFS
# RMS, peak at most -1 dBFS. Sources under 16 kHz are skipped (speech and noise).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

mode=train
BRATE=16000   # rate of the bench clips
if [[ "${1:-}" == "--bench" ]]; then
  mode=bench; out=${2:-$repo/models/bench/audio}
elif [[ "${1:-}" == "--bench48" ]]; then
  mode=bench; BRATE=48000; out=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/hush/bench-audio-48k}
elif [[ "${1:-}" == -* ]]; then
  sed -n '2,35p' "$0"; exit 2
else
  out=${1:-/work/data/speech}
fi
cache=${HUSH_SPEECH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hush/speech}
mkdir -p "$cache/deb" "$cache/x" "$out"
out=$(cd "$out" && pwd)
LIMIT=${HUSH_SPEECH_LIMIT:-0}    # testing: at most this many files per spec line (0: all)
JOBS=${HUSH_JOBS:-$(nproc)}      # speech files processed at once
# HUSH_SPEECH_PART=noise: remake OUT/*/noise only (keeps the speech and its SOURCES.tsv rows);
# HUSH_SPEECH_PART=speech: remake OUT/*/speech only (keeps the noise and its rows; with HUSH_SPEECH_PACKAGES it lays
# out one package's voices into a folder of their own, for speech_subset.sh to add)
SPEECH_PACKAGES=${HUSH_SPEECH_PACKAGES:-}   # training speech from these packages only (space separated; empty: all)

. "$here/debs.sh"

# ---------------------------------------------------------------------------------------------------------
# 1. tools (idempotent)
apt_install_missing sox libsox-fmt-all ffmpeg unzip
export LC_ALL=C

# ---------------------------------------------------------------------------------------------------------
# 2. what is used. Columns (tab separated):
#   kind  split  package  regex (on the path inside the unpacked package; \2.. are its groups)
#   group (speaker/language key, may use \2..)  language (may use \2..)  cap (noise: seconds per file)
# split: train (val speakers are listed in VAL below) or bench. Licences: LICENCE below, from
# /usr/share/doc/PACKAGE/copyright.
SPEC=$(cat <<'EOF'
speech	train	tuxpaint-stamps-default	^(usr/share/tuxpaint/stamps/.*_desc_([a-zA-Z_]+)\.ogg)$	\2	\2	0
speech	train	tuxpaint-stamps-default	^(usr/share/tuxpaint/stamps/.*_desc\.ogg)$	en	en	0
speech	train	klettres-data	^(usr/share/klettres/([a-zA-Z_]+)/(alpha|syllab)/[^/]+\.(ogg|wav))$	\2	\2	0
speech	train	ktuberling-data	^(usr/share/ktuberling/sounds/([a-zA-Z_@]+)/[^/]+\.(ogg|wav|opus))$	\2	\2	0
speech	train	hedgewars-data	^(usr/share/games/hedgewars/Data/Sounds/voices/(British|Classic|Default|Default_es|Default_pl|Default_ru|Default_uk|HillBilly|Mobster|Pirate|Russian|Russian_pl|Surfer)/[^/]+\.ogg)$	\2	\2	0
speech	train	0ad-data	^(_zip/audio/voice/([a-z]+)/civ/civ_(female|male)_[^/]+\.ogg)$	\2_\3	\2	0
speech	train	nexuiz-data	^(_zip/sound/(tutorial)/[^/]+\.ogg)$	\2	en	0
speech	train	nexuiz-data	^(_zip/sound/player/([a-z-]+)/coms/[^/]+\.(ogg|wav))$	\2	en	0
speech	train	nexuiz-data	^(_zip/sound/announcer/(male)/[^/]+\.(ogg|wav))$	announcer_\2	en	0
noise	train	0ad-data	^(_zip/audio/(ambient|resource|attack/siege|attack/weapon|attack/impact|actor/fauna/animal|actor/ship|actor/mounted/movement|actor/human/movement|actor/gate|interface/alarm)/.*\.ogg)$	\2	-	60
noise	train	0ad-data	^(_zip/audio/(music)/.*\.ogg)$	\2	-	15
noise	train	widelands-data	^(usr/share/games/widelands/data/(sound)/.*\.ogg)$	\2	-	60
noise	train	widelands-data	^(usr/share/games/widelands/data/(music)/.*\.ogg)$	\2	-	15
noise	train	lincity-ng-data	^(usr/share/games/lincity-ng/(sounds)/.*\.(ogg|wav))$	\2	-	60
noise	train	lincity-ng-data	^(usr/share/games/lincity-ng/(music)/.*\.(ogg|wav))$	\2	-	15
noise	train	supertux-data	^(usr/share/games/supertux2/(sounds)/.*\.(ogg|wav))$	\2	-	60
noise	train	supertux-data	^(usr/share/games/supertux2/(music)/.*\.(ogg|wav))$	\2	-	15
noise	train	colobot-common-sounds	^(usr/share/games/colobot/(sounds)/.*\.(ogg|wav))$	\2	-	60
noise	train	colobot-common-sounds	^(usr/share/games/colobot/(music)/.*\.(ogg|wav))$	\2	-	15
noise	train	freedroidrpg-data	^(usr/share/freedroidrpg/data/sound/(music)/.*\.ogg)$	\2	-	15
noise	train	freedroidrpg-data	^(usr/share/freedroidrpg/data/sound/effects/(bullets|item_sounds)/[^/]+\.ogg)$	\2	-	60
noise	train	openarena-data	^(_zip/sound/(world|movers|items|misc)/.*\.wav)$	\2	-	60
noise	train	searchandrescue-data	^(usr/share/games/searchandrescue/(sounds|aircraft)/.*\.wav)$	\2	-	60
noise	train	crrcsim-data	^(usr/share/games/crrcsim/(sounds)/.*\.wav)$	\2	-	60
noise	train	minetest-data	^(usr/share/games/minetest/(.*)/sounds/[^/]+\.ogg)$	sounds	-	60
noise	train	micropolis-data	^(usr/share/games/micropolis/res/(sounds)/.*\.wav)$	\2	-	60
noise	train	bzflag-data	^(usr/share/games/bzflag/(.*)\.wav)$	sounds	-	60
noise	train	extremetuxracer-data	^(usr/share/games/etr/(music|sounds)/.*\.(ogg|wav))$	\2	-	15
noise	train	freeciv-data	^(usr/share/games/freeciv/(stdsounds|stdmusic)/.*\.(ogg|wav))$	\2	-	15
noise	train	sonic-pi-samples	^(usr/share/sonic-pi/samples/(ambi_[a-bd-z]|bass_|bd_|drum_|elec_|glitch_|guit_|loop_|mehackit_|misc_|perc_|sn_|tabla_|vinyl_)[^/]*\.flac)$	samples	-	60
noise	train	lmms-common	^(usr/share/lmms/samples/(bassloops|beats|drums|effects|instruments|latin|misc|stringsnpads)/[^/]+\.(ogg|wav))$	\2	-	60
noise	train	hedgewars-data	^(usr/share/games/hedgewars/Data/(Sounds)/[^/]+\.ogg)$	\2	-	60
noise	train	hedgewars-data	^(usr/share/games/hedgewars/Data/(Music)/[^/]+\.ogg)$	\2	-	15
noise	train	warmux-data	^(usr/share/games/warmux/sound/default/(weapons|misc)/[^/]+\.ogg)$	\2	-	60
noise	train	warmux-data	^(usr/share/games/warmux/(music)/.*\.ogg)$	\2	-	15
speech	bench	kajongg	^(usr/share/kajongg/voices/(female|male)([12])/[^/]+\.ogg)$	en_\2\3	en	0
speech	bench	kajongg	^(usr/share/kajongg/voices/de/(female|male)([12])/[^/]+\.ogg)$	de_\2\3	de	0
speech	bench	gcin-voice	^(usr/share/gcin-voice/ogg/[^/]+/(3)\.ogg)$	zh_\2	zh	0
EOF
)
# speakers/languages of training packages held out for validation (package:group)
VAL="tuxpaint-stamps-default:da klettres-data:hu klettres-data:it ktuberling-data:lt ktuberling-data:sl hedgewars-data:Pirate 0ad-data:persian_female nexuiz-data:insurrectionist"
# bench noise: package, file, start (s), name (5 s each; looped when shorter)
BENCH_NOISE=$(cat <<'EOF'
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/morph/rain.ogg	1	rain
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/morph/stormwind.ogg	2	wind-storm
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/distant_cars.ogg	3	traffic-engines
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/morph/machine5.ogg	0	machinery
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/river.ogg	4	river-water
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/fire.ogg	0	fire-crackle
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/nightcrickets.ogg	2	crickets
redeclipse-data	usr/share/games/redeclipse/data/sounds/ambience/hum.ogg	0	electric-hum
tuxfootball	usr/share/games/tuxfootball/sound/crowdcheer.wav	0.5	crowd-cheer
tuxfootball	usr/share/games/tuxfootball/sound/ingame.ogg	1	music
EOF
)
BENCH_PKGS="kajongg gcin-voice redeclipse-data tuxfootball"

licence() {   # package, path -> licence (from /usr/share/doc/PACKAGE/copyright)
  case "$1:$2" in
    tuxpaint-stamps-default:*) echo "GPL-2" ;;
    klettres-data:*) echo "GPL-2+" ;;
    ktuberling-data:*) echo "GPL-2+" ;;
    hedgewars-data:*/Data/Sounds/Droplet*) echo "CC-BY-SA-3.0 (saugox, freesound)" ;;
    hedgewars-data:*/Data/Sounds/*) echo "GFDL-1.3" ;;
    hedgewars-data:*) echo "GPL-2" ;;
    0ad-data:*) echo "CC-BY-SA-3.0" ;;
    nexuiz-data:*) echo "GPL-2+" ;;
    widelands-data:*/music/ingame_2[456].ogg) echo "CC-BY-SA-3.0" ;;
    widelands-data:*) echo "GPL-2+" ;;
    lincity-ng-data:*) echo "GPL-2+" ;;
    supertux-data:*) echo "GPL-3+" ;;
    colobot-common-sounds:*) echo "GPL-3+" ;;
    freedroidrpg-data:*) echo "GPL-2+" ;;
    openarena-data:*) echo "GPL-2+" ;;
    searchandrescue-data:*) echo "GPL-2+" ;;
    crrcsim-data:*) echo "GPL-2" ;;
    minetest-data:*) echo "CC-BY-SA-3.0 (some CC-BY-3.0/CC0, see copyright)" ;;
    micropolis-data:*) echo "GPL-3+" ;;
    bzflag-data:*) echo "LGPL-2.1 or MPL" ;;
    extremetuxracer-data:*) echo "GPL-2+" ;;
    freeciv-data:*) echo "GPL-2+" ;;
    sonic-pi-samples:*/ambi_*) echo "CC0" ;;
    sonic-pi-samples:*) echo "MIT (some CC0, see copyright)" ;;
    lmms-common:*) echo "GPL-2+" ;;
    warmux-data:*) echo "GPL-2+" ;;
    kajongg:*) echo "GPL-2+" ;;
    gcin-voice:*/3.ogg) echo "GPL-3 or LGPL-3 (2014 Edward Der-Hua Liu)" ;;
    redeclipse-data:*) echo "CC-BY-SA-3.0+" ;;
    tuxfootball:*) echo "GPL-2+" ;;
    *) echo "see /usr/share/doc/$1/copyright" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------
# 3. fetch and unpack (a stamp names the .deb that was unpacked); archives inside packages are unzipped to _zip
if [[ $mode == bench ]]; then pkgs=$BENCH_PKGS
else pkgs=$(printf '%s\n' "$SPEC" | awk -F'\t' '$2=="train"{print $3}' | sort -u | tr '\n' ' '); fi
# Archives inside a package hold its sounds: unzip them to _zip.
unzip_sounds() {
  case $1 in
    0ad-data) unzip -q "$2/usr/share/games/0ad/mods/public/public.zip" 'audio/*' -d "$2/_zip" ;;
    nexuiz-data) unzip -q "$2/usr/share/games/nexuiz/data/data.pk3" 'sound/tutorial/*' 'sound/player/*' \
                   'sound/announcer/*' -d "$2/_zip" ;;
    openarena-data) unzip -q "$2/usr/share/games/openarena/baseoa/pak0.pk3" 'sound/*' -d "$2/_zip" ;;
  esac
}
for p in $pkgs; do unpack_deb "$cache" "$p" unzip_sounds; done
origpath() {   # package, relative path -> path as installed
  case "$1:$2" in
    0ad-data:_zip/*) echo "/usr/share/games/0ad/mods/public/public.zip:${2#_zip/}" ;;
    nexuiz-data:_zip/*) echo "/usr/share/games/nexuiz/data/data.pk3:${2#_zip/}" ;;
    openarena-data:_zip/*) echo "/usr/share/games/openarena/baseoa/pak0.pk3:${2#_zip/}" ;;
    *) echo "/$2" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------
# 4. audio helpers
work="$out/.work"; rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
SOX=(sox -R -D -V1)
src_rate() { soxi -r "$1" 2>/dev/null || ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$1"; }
# decode SRC to a float WAV that sox can read (Opus goes through ffmpeg)
readable() {
  case "$1" in
    *.opus) ffmpeg -nostdin -v error -bitexact -i "$1" -c:a pcm_f32le -f wav -y "$2"; echo "$2" ;;
    *) echo "$1" ;;
  esac
}
stat_of() { awk -v k="$1" 'index($0,k)==1{print $NF; exit}'; }   # a line of sox stats
rms_db() {   # RMS level in dB (-200 for silence)
  local v; v=$("${SOX[@]}" "$1" -n "${@:2}" stats 2>&1 | stat_of "RMS lev dB")
  case "$v" in ""|*inf*|*nan*) echo -200 ;; *) echo "$v" ;; esac
}
# gain (dB) that brings RMS to -23 dBFS, or the peak to PEAKMAX, whichever is lower
norm_gain() {
  local s rms pk
  s=$("${SOX[@]}" "$1" -n stats 2>&1)
  rms=$(stat_of "RMS lev dB" <<<"$s"); pk=$(stat_of "Pk lev dB" <<<"$s")
  awk -v r="$rms" -v p="$pk" -v m="$2" 'BEGIN{g=-23-r; if (m-p<g) g=m-p; printf "%.3f\n", g}'
}

# writes the 16 kHz file (and the 48 kHz one when FULL) from a float WAV at 16 or 48 kHz
emit() {   # in.wav dir16 dir48-or-empty name peakmax
  local g; g=$(norm_gain "$1" "$5")
  "${SOX[@]}" "$1" -b 16 "$2/$4.wav" rate -h 16000 gain "$g"
  if [[ -n "$3" ]]; then "${SOX[@]}" "$1" -b 16 "$3/$4.wav" rate -h 48000 gain "$g"; fi
}

# the bench's clip: IN at the bench rate, 16-bit, RMS -23 dBFS or peak PEAKMAX (the same as emit at 16 kHz)
emit_bench() {   # in.wav out.wav peakmax
  "${SOX[@]}" "$1" -b 16 "$2" rate -h "$BRATE" gain "$(norm_gain "$1" "$3")"
}

# list the files of one spec line: prints  group <TAB> language <TAB> relative path
list_spec() {   # package regex group lang
  (cd "$cache/x/$1" && find . -type f | sed 's#^\./##' | sort) \
    | sed -nE "s#$2#$3\t$4\t\1#p" \
    | { if (( LIMIT > 0 )); then head -n "$LIMIT"; else cat; fi; } || true
}

# one speech file -> a clip ($work/cN.wav) and its row ($work/t/N.tsv), or nothing if it is dropped
clip_one() {   # "N<TAB>split<TAB>package<TAB>group<TAB>language<TAB>relative path"
  local n split pkg g l rel src sr R clip in len tot hf7 hf14 full spl
  IFS=$'\t' read -r n split pkg g l rel <<<"$1"
  SOX=(sox -R -D -V1)
  src="$cache/x/$pkg/$rel"
  sr=$(src_rate "$src") || return 0
  (( sr >= 16000 )) || return 0
  if (( sr >= 44100 )); then R=48000; else R=16000; fi
  clip="$work/c$n.wav"
  in=$(readable "$src" "$work/dec$n.wav")
  "${SOX[@]}" "$in" -c 1 -b 32 -e float "$clip" rate -h "$R" sinc -t 30 50 gain -n -1 \
    silence 1 0.02 -40d reverse silence 1 0.02 -40d reverse 2>/dev/null || { rm -f "$clip" "$work/dec$n.wav"; return 0; }
  rm -f "$work/dec$n.wav"
  len=$(soxi -D "$clip" 2>/dev/null || echo 0)
  if awk -v d="$len" 'BEGIN{exit !(d < 0.4)}'; then rm -f "$clip"; return 0; fi
  tot=$(rms_db "$clip"); hf7=$(rms_db "$clip" sinc 7000)
  if awk -v t="$tot" -v h="$hf7" 'BEGIN{exit !(h - t < -50)}'; then rm -f "$clip"; return 0; fi
  full=0
  if (( R == 48000 )); then
    hf14=$(rms_db "$clip" sinc 14000)
    if awk -v t="$tot" -v h="$hf14" 'BEGIN{exit !(h - t >= -70)}'; then full=1; fi
  fi
  spl=$split
  if [[ $split == train && " $VAL " == *" $pkg:$g "* ]]; then spl=val; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$spl" "$pkg" "$g" "$l" "$clip" "$len" "$R" "$full" \
    "$(origpath "$pkg" "$rel")" > "$work/t/$n.tsv"
}

# ---------------------------------------------------------------------------------------------------------
# 5. speech: clips -> utterances.  Args: split-of-spec (train|bench), min, emit-at, max (seconds)
#    writes $work/utts.tsv: split  package  group  lang  uttname  full(0/1)  clip-list(;)  orig-list(;)  seconds
make_utterances() {
  local which=$1 umin=$2 uat=$3 umax=$4
  rm -rf "$work/t"; mkdir -p "$work/t"
  # the files, numbered in order (the numbers name the clips, so the result does not depend on JOBS)
  while IFS=$'\t' read -r kind split pkg re grp lang cap; do
    [[ $kind == speech && $split == "$which" ]] || continue
    [[ -z $SPEECH_PACKAGES || $which != train || " $SPEECH_PACKAGES " == *" $pkg "* ]] || continue
    echo "speech $pkg: $re" >&2
    list_spec "$pkg" "$re" "$grp" "$lang" | while IFS=$'\t' read -r g l rel; do
      printf '%s\t%s\t%s\t%s\t%s\n' "$split" "$pkg" "$g" "$l" "$rel"
    done
  done <<<"$SPEC" | awk -v OFS='\t' '{print NR - 1, $0}' > "$work/tasks.tsv"
  echo "speech: $(wc -l < "$work/tasks.tsv") files, $JOBS at a time" >&2
  export -f clip_one src_rate readable rms_db stat_of origpath
  export cache work VAL
  tr '\n' '\0' < "$work/tasks.tsv" | xargs -0 -P "$JOBS" -n 1 bash -c 'clip_one "$1"' _
  (cd "$work/t" && ls | sort -n | xargs -r cat) > "$work/clips.tsv"   # the kept clips, in file order
  rm -rf "$work/t"
  # pack clips of one group (file order) into utterances; a group at two rates packs at 16 kHz
  sort -t$'\t' -k1,1 -k2,2 -k3,3 -s "$work/clips.tsv" |
  awk -F'\t' -v OFS='\t' -v umin="$umin" -v uat="$uat" -v umax="$umax" -v gap=0.15 '
    function reset() { n = 0; cur = 0; cl = ""; org = ""; fl = 1 }
    function flush(   nm) {   # emit the current utterance (a rest under 1 s is dropped, unless it is all there is)
      if (n > 0 && (cur >= 1.0 || nu[last] == 0)) {
        nm = sprintf("%s__%s__%04d", pk, clean(gr), ++nu[last]); print sp, pk, gr, lg, nm, fl, cl, org, sprintf("%.3f", cur) }
      reset() }
    function clean(s) { gsub(/[^A-Za-z0-9_-]/, "-", s); return s }
    { key = $1 SUBSEP $2 SUBSEP $3
      if (key != last) { flush(); last = key; sp = $1; pk = $2; gr = $3; lg = $4 }
      add = (n > 0 ? gap : 0) + $6
      if (n > 0 && cur + add > umax && cur >= umin - 0.5) { flush(); add = $6 }
      cur += add; n++
      cl = cl (cl == "" ? "" : ";") $5 "@" $7; org = org (org == "" ? "" : ";") $9
      if ($8 == 0) fl = 0
      if (cur >= uat) flush() }
    END { flush() }' > "$work/utts.tsv"
}

# concatenate the clips of one utterance at rate R into $work/u.wav; prints R
join_utt() {   # clip-list
  local R=48000 parts=() c i=0
  IFS=';' read -ra cs <<<"$1"
  for c in "${cs[@]}"; do if [[ ${c##*@} != 48000 ]]; then R=16000; fi; done
  "${SOX[@]}" -n -r "$R" -c 1 -b 32 -e float "$work/gap.wav" trim 0 0.15
  for c in "${cs[@]}"; do
    f=${c%@*}
    if [[ ${c##*@} != "$R" ]]; then "${SOX[@]}" "$f" "$work/r$i.wav" rate -h "$R"; f="$work/r$i.wav"; fi
    if (( i > 0 )); then parts+=("$work/gap.wav"); fi
    parts+=("$f"); i=$((i + 1))
  done
  if (( ${#parts[@]} == 1 )); then cp "${parts[0]}" "$work/u.wav"; else "${SOX[@]}" "${parts[@]}" "$work/u.wav"; fi
  echo "$R"
}

# ---------------------------------------------------------------------------------------------------------
# 6. noise: pieces of files.  writes into OUT/{train,val}[48]/noise and appends to SOURCES
noise_train() {
  local idx=0
  while IFS=$'\t' read -r kind split pkg re grp lang cap; do
    [[ $kind == noise && $split == train ]] || continue
    echo "noise $pkg: $re" >&2
    i=0; : > "$work/short.tsv"
    list_spec "$pkg" "$re" "$grp" "$lang" > "$work/nlist.tsv"
    while IFS=$'\t' read -r g l rel; do
      src="$cache/x/$pkg/$rel"; i=$((i + 1))
      sr=$(src_rate "$src") || continue
      (( sr >= 16000 )) || continue
      if (( sr >= 44100 )); then R=48000; else R=16000; fi
      spl=train; if (( i % 10 == 5 )); then spl=val; fi
      in=$(readable "$src" "$work/dec.wav")
      len0=$(soxi -D "$in" 2>/dev/null || echo 0)
      if awk -v d="$len0" -v c="$cap" 'BEGIN{exit !(d > c + 1)}'; then
        # longer than the cap: skip the first 10 % (at most 10 s), keep CAP s
        start=$(awk -v d="$len0" -v c="$cap" 'BEGIN{s=d*0.1; if (s>10) s=10; if (s+c>d) s=d-c; printf "%.3f", s}')
        "${SOX[@]}" "$in" -c 1 -b 32 -e float "$work/n.wav" trim "$start" "$cap" rate -h "$R" 2>/dev/null || continue
      else
        "${SOX[@]}" "$in" -c 1 -b 32 -e float "$work/n.wav" rate -h "$R" \
          silence 1 0.01 -70d reverse silence 1 0.01 -70d reverse 2>/dev/null || continue
      fi
      len=$(soxi -D "$work/n.wav" 2>/dev/null || echo 0)
      if awk -v d="$len" 'BEGIN{exit !(d < 0.3)}'; then continue; fi
      full=0
      if (( R == 48000 )); then
        if awk -v t="$(rms_db "$work/n.wav")" -v h="$(rms_db "$work/n.wav" sinc 14000)" 'BEGIN{exit !(h - t >= -70)}'; then full=1; fi
      fi
      orig=$(origpath "$pkg" "$rel"); lic=$(licence "$pkg" "$orig")
      if awk -v d="$len" 'BEGIN{exit !(d < 2)}'; then   # short: joined per folder below
        idx=$((idx + 1)); cp "$work/n.wav" "$work/s$idx.wav"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$spl" "$g" "$work/s$idx.wav" "$len" "$R" "$full" "$orig" >> "$work/short.tsv"
        continue
      fi
      # long: pieces of 10 s
      rm -f "$work"/p*.wav
      "${SOX[@]}" "$work/n.wav" "$work/p.wav" trim 0 10 : newfile : restart
      k=0
      for piece in $(ls "$work"/p*.wav | sort); do
        pl=$(soxi -D "$piece"); if awk -v d="$pl" 'BEGIN{exit !(d < 2)}'; then continue; fi
        k=$((k + 1)); base=$(basename "$rel"); base=${base%.*}
        name="${pkg}__$(echo "$g" | tr -c 'A-Za-z0-9_\n-' '-')__$(echo "$base" | tr -c 'A-Za-z0-9_\n-' '-')__$(printf %02d $k)"
        d48=""; if (( full )); then d48="$out/${spl}48/noise"; fi
        emit "$piece" "$out/$spl/noise" "$d48" "$name" -1
        printf '%s/noise/%s.wav\t%s\t%s\t%s\t%s\t%s\t%s\n' "$spl" "$name" "$pkg" "$orig" "$lic" "$spl" "-" "$( ((full)) && echo 48k || echo 16k)" >> "$out/SOURCES.tsv"
      done
    done < "$work/nlist.tsv"
    # short clips: joined per split and folder, no gap, into ~5 s
    awk -F'\t' -v OFS='\t' '
      function flush() { if (n) print sp, g, ++m[sp SUBSEP g], fl, cl, org; n=0; cur=0; cl=""; org=""; fl=1 }
      { if ($1 SUBSEP $2 != last) { flush(); last = $1 SUBSEP $2; sp=$1; g=$2; fl=1 }
        cur += $4; n++; cl = cl (cl==""?"":";") $3 "@" $5; org = org (org==""?"":";") $7; if ($6==0) fl=0
        if (cur >= 5) flush() }
      END { flush() }' < <(sort -t$'\t' -k1,1 -k2,2 -s "$work/short.tsv") |
    while IFS=$'\t' read -r spl g m fl cl org; do
      IFS=';' read -ra cs <<<"$cl"; R=48000; parts=(); ii=0
      for c in "${cs[@]}"; do if [[ ${c##*@} != 48000 ]]; then R=16000; fi; done
      for c in "${cs[@]}"; do f=${c%@*}
        if [[ ${c##*@} != "$R" ]]; then "${SOX[@]}" "$f" "$work/q$ii.wav" rate -h "$R"; f="$work/q$ii.wav"; fi
        parts+=("$f"); ii=$((ii + 1)); done
      if (( ${#parts[@]} == 1 )); then cp "${parts[0]}" "$work/j.wav"; else "${SOX[@]}" "${parts[@]}" "$work/j.wav"; fi
      name="${pkg}__$(echo "$g" | tr -c 'A-Za-z0-9_\n-' '-')__short__$(printf %03d "$m")"
      d48=""; if [[ $R == 48000 && $fl == 1 ]]; then d48="$out/${spl}48/noise"; fi
      emit "$work/j.wav" "$out/$spl/noise" "$d48" "$name" -1
      printf '%s/noise/%s.wav\t%s\t%s\t%s\t%s\t%s\t%s\n' "$spl" "$name" "$pkg" "$org" "$(licence "$pkg" "${org%%;*}")" "$spl" "-" \
        "$([[ -n $d48 ]] && echo 48k || echo 16k)" >> "$out/SOURCES.tsv"
    done
    rm -f "$work"/s*.wav
  done <<<"$SPEC"
}

# ---------------------------------------------------------------------------------------------------------
# 7. the runs
if [[ $mode == train && ${HUSH_SPEECH_PART:-all} == noise ]]; then   # remake the noise only
  for d in train val train48 val48; do rm -rf "${out:?}/$d/noise"; mkdir -p "$out/$d/noise"; done
  awk -F'\t' '$1 !~ /^[a-z0-9]+\/noise\//' "$out/SOURCES.tsv" > "$work/S.tsv"; cp "$work/S.tsv" "$out/SOURCES.tsv"
elif [[ $mode == train && ${HUSH_SPEECH_PART:-all} == speech ]]; then   # remake the speech only
  for d in train val train48 val48; do rm -rf "${out:?}/$d/speech"; mkdir -p "$out/$d/speech" "$out/$d/noise"; done
  [[ -s "$out/SOURCES.tsv" ]] || printf 'file\tpackage\toriginal\tlicence\tsplit\tspeaker_language\trate\n' > "$out/SOURCES.tsv"
  awk -F'\t' '$1 !~ /^[a-z0-9]+\/speech\//' "$out/SOURCES.tsv" > "$work/S.tsv"; cp "$work/S.tsv" "$out/SOURCES.tsv"
elif [[ $mode == train ]]; then
  for d in train val train48 val48; do rm -rf "${out:?}/$d"; mkdir -p "$out/$d/speech" "$out/$d/noise"; done
  printf 'file\tpackage\toriginal\tlicence\tsplit\tspeaker_language\trate\n' > "$out/SOURCES.tsv"
fi
if [[ $mode == train && ${HUSH_SPEECH_PART:-all} != noise ]]; then
  make_utterances train 3.0 4.0 6.0
  while IFS=$'\t' read -r spl pkg g l name full cl org dur; do
    R=$(join_utt "$cl")
    d48=""
    if [[ $R == 48000 && $full == 1 ]] && awk -v t="$(rms_db "$work/u.wav")" -v h="$(rms_db "$work/u.wav" sinc 14000)" \
         'BEGIN{exit !(h - t >= -55)}'; then d48="$out/${spl}48/speech"; fi   # full band: energy above 14 kHz
    emit "$work/u.wav" "$out/$spl/speech" "$d48" "$name" -3
    printf '%s/speech/%s.wav\t%s\t%s\t%s\t%s\t%s\t%s\n' "$spl" "$name" "$pkg" "$org" "$(licence "$pkg" "${org%%;*}")" "$spl" \
      "$g ($l)" "$([[ -n $d48 ]] && echo 48k || echo 16k)" >> "$out/SOURCES.tsv"
  done < "$work/utts.tsv"
  rm -f "$work"/c*.wav
fi
if [[ $mode == train ]]; then
  [[ ${HUSH_SPEECH_PART:-all} == speech ]] || noise_train
  # hours per split, kind and package
  { printf 'split\tkind\tpackage\tfiles\thours\n'
    for d in train val train48 val48; do for k in speech noise; do
      for f in $(ls "$out/$d/$k" | sort); do printf '%s\t%s\t%s\t%s\n' "$d" "$k" "${f%%__*}" "$(soxi -D "$out/$d/$k/$f")"; done
    done; done | awk -F'\t' -v OFS='\t' '{n[$1 OFS $2 OFS $3]++; s[$1 OFS $2 OFS $3]+=$4; t[$1 OFS $2]+=$4; tn[$1 OFS $2]++}
      END { for (k in n) print k, n[k], sprintf("%.3f", s[k]/3600); for (k in t) print k, "ALL", tn[k], sprintf("%.3f", t[k]/3600) }' | sort
  } > "$out/HOURS.tsv"
  if command -v column >/dev/null; then column -t -s$'\t' "$out/HOURS.tsv"; else cat "$out/HOURS.tsv"; fi
  exit 0
fi

# bench: speech utterances of ~3 s (20: two per kajongg speaker, four Mandarin), noise 5 s
rm -rf "${out:?}/speech" "$out/noise"; mkdir -p "$out/speech" "$out/noise"
make_utterances bench 3.0 3.0 3.6
rows=()
# kajongg: the two shortest utterances of each speaker (the size limit); gcin-voice: the 1st, 4th, 7th, 10th
sel=$( { awk -F'\t' '$2 == "kajongg" && $9 >= 3.0' "$work/utts.tsv" | sort -t$'\t' -k3,3 -k9,9n -k5,5 | awk -F'\t' '++c[$3] <= 2'
         awk -F'\t' '$2 == "gcin-voice" && $9 >= 3.0 && ++c[$3] % 3 == 1 && c[$3] <= 10' "$work/utts.tsv"; } | sort -t$'\t' -k5,5)
while IFS=$'\t' read -r spl pkg g l name full cl org dur; do
  R=$(join_utt "$cl")
  emit_bench "$work/u.wav" "$out/speech/$name.wav" -3
  rows+=("| speech/$name.wav | $pkg | ${g} | $(echo "$org" | sed 's#;#<br>#g') | $(licence "$pkg" "${org%%;*}") |")
done <<<"$sel"
while IFS=$'\t' read -r pkg rel start name; do
  src="$cache/x/$pkg/$rel"
  "${SOX[@]}" "$src" -c 1 -b 32 -e float "$work/n.wav" rate -h "$BRATE"
  len=$(soxi -D "$work/n.wav")
  rep=$(awk -v d="$len" -v s="$start" 'BEGIN{r=int(5/(d-s)); if (d-s<5) print r+1; else print 0}')
  "${SOX[@]}" "$work/n.wav" "$work/m.wav" trim "$start" repeat "$rep"
  "${SOX[@]}" "$work/m.wav" "$work/m5.wav" trim 0 5 fade t 0.01 5 0.01
  emit_bench "$work/m5.wav" "$out/noise/${pkg}__$name.wav" -1
  how="from $start s"; if (( rep > 0 )); then how="$how, looped"; fi
  rows+=("| noise/${pkg}__$name.wav | $pkg | $name | /$rel ($how) | $(licence "$pkg" "/$rel") |")
done <<<"$BENCH_NOISE"
size=$(du -cb "$out"/speech/*.wav "$out"/noise/*.wav | tail -n 1 | cut -f1)
{
  echo "# Bench audio: real speech and real noise"
  echo
  echo "Made by \`scripts/data/speech.sh --bench\` from Debian bookworm packages (versions:"
  for p in $BENCH_PKGS; do printf ' %s %s' "$p" "$(cat "$cache/x/$p/.version")"; done
  echo "). Mono, 16-bit, $((BRATE / 1000)) kHz; $(ls "$out/speech" | wc -l) speech clips, $(ls "$out/noise" | wc -l) noise clips, $size bytes"
  echo "($(awk -v b="$size" 'BEGIN{printf "%.2f", b/1048576}') MiB)."
  echo
  echo "**These packages ($BENCH_PKGS) are never used for training**: \`scripts/data/speech.sh\` takes its training"
  echo "and validation data from other packages only (see that script), so the bench speakers, languages and noises"
  echo "are unseen by the models."
  echo
  echo "- Speech: human recordings. kajongg: the game's called words (\"Pung\", \"Chow\", tile names), English"
  echo "  (\`voices/female1\` ...) and German (\`voices/de/...\`), two female and two male speakers each, as the"
  echo "  package names them (all recordings copyright Wolfgang Rohdewald; the speakers are not named). The labels agree"
  echo "  with the pitch: median F0 of the clips 170-250 Hz for female1/2, 110-160 Hz for male1/2."
  echo "  gcin-voice: Mandarin syllables, the \`3.ogg\` recordings (one male speaker, F0 ~125-155 Hz; the \`5.ogg\` set,"
  echo "  a voicebank of a voice actor, is not used)."
  echo "  Each clip: the files of one speaker in order, each mixed to mono, peak-normalised and trimmed of silence"
  echo "  (sox silence, -40 dB), joined with 0.15 s of silence into 3.0-3.6 s (the two shortest such clips of each kajongg speaker), then scaled to -23 dBFS RMS (peak at most -3 dBFS)."
  echo "- Noise: 5 s from the given start (looped when the file is shorter), 10 ms fades, -23 dBFS RMS (peak at most -1 dBFS)."
  echo "- The sources are 44.1/48 kHz (kajongg, gcin-voice, most noise) or 22.05 kHz (tuxfootball crowd, river, hum);"
  if (( BRATE == 16000 )); then
    echo "  no 48 kHz copies are kept here, to stay under 3.5 MiB (\`scripts/data/speech.sh --bench48\` makes them)."
  else
    echo "  at 48 kHz the 22.05 kHz noises have nothing above 11 kHz. Share of the speech clips' energy above 8 kHz:"
    echo "  $(for f in "$out"/speech/*.wav; do awk -v t="$(rms_db "$f")" -v h="$(rms_db "$f" sinc 8000)" 'BEGIN{printf "%.4f\n", 10^((h-t)/10)}'; done \
      | awk '{s+=$1; if(NR==1||$1<mn)mn=$1; if($1>mx)mx=$1} END{printf "mean %.1f %%, %.1f-%.1f %%", 100*s/NR, 100*mn, 100*mx}')."
  fi
  echo
  echo "| clip | package | speaker / noise | original file(s) | licence |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$out/SOURCES.md"
echo "bench: $(ls "$out/speech" | wc -l) speech, $(ls "$out/noise" | wc -l) noise, $size bytes in $out"
