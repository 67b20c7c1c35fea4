#!/usr/bin/env bash
# Generates the voice prompts in assets/prompts/{en,fr,ru}/ from scripts/prompts/prompts.tsv
# (id, English, French, Russian text; tab-separated) with espeak-ng and sox, as small 8 kHz
# mono A-law WAVs (G.711 format 6, what the media engine plays without conversion), plus
# the default music on hold. The results are committed.
#
# By default only prompts that have no WAV yet are made: espeak-ng's output differs between
# its versions, and a committed prompt must not change under a site that knows it. After
# editing a text, pass --force (every prompt) or delete that one WAV first.
#
#   scripts/make-prompts.sh [--force] [--lang en|fr|ru]...
#
# Needs: espeak-ng, sox (Debian: apt-get install espeak-ng sox), and node with tsx for MoH.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed (apt-get install espeak-ng)" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed (apt-get install sox)" >&2; exit 1; }
force=0
langs=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --force) force=1 ;;
    --lang) langs+=("$2"); shift ;;
    *) echo "usage: $0 [--force] [--lang en|fr|ru]..." >&2; exit 2 ;;
  esac
  shift
done
[[ ${#langs[@]} -eq 0 ]] && langs=(en fr ru)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A voice=([en]=en-gb [fr]=fr-fr [ru]=ru)
n=0
while IFS=$'\t' read -r id en fr ru; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  declare -A text=([en]=$en [fr]=$fr [ru]=$ru)
  for lang in "${langs[@]}"; do
    out="assets/prompts/$lang/$id.wav"
    [[ $force == 0 && -e $out ]] && continue
    [[ -z ${text[$lang]} ]] && { echo "$id: no $lang text" >&2; exit 1; }
    mkdir -p "assets/prompts/$lang"
    espeak-ng -v "${voice[$lang]}" -s 145 -w "$tmp/raw.wav" "${text[$lang]}"
    # Telephone band (300-3400 Hz), peak at -3 dBFS, 8 kHz mono A-law.
    sox "$tmp/raw.wav" -r 8000 -c 1 -e a-law "$out" sinc 300-3400 norm -3
    n=$((n + 1))
  done
done < scripts/prompts/prompts.tsv
[[ $force == 1 || ! -e assets/prompts/moh/default.wav ]] && npx tsx scripts/prompts/make-moh.ts
echo "wrote $n prompts"
