#!/usr/bin/env bash
# Generates the voice prompts in assets/prompts/{en,fr}/ from scripts/prompts/prompts.tsv
# (id, English text, French text; tab-separated) with espeak-ng and sox, as small 8 kHz
# mono A-law WAVs (G.711 format 6, what the media engine plays without conversion), plus
# the default music on hold. The results are committed; rerun after editing the texts.
#
# Needs: espeak-ng, sox (Debian: apt-get install espeak-ng sox), and node with tsx for MoH.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed (apt-get install espeak-ng)" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed (apt-get install sox)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A voice=([en]=en-gb [fr]=fr-fr)
n=0
while IFS=$'\t' read -r id en fr; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  for lang in en fr; do
    text=$en
    [[ $lang == fr ]] && text=$fr
    mkdir -p "assets/prompts/$lang"
    espeak-ng -v "${voice[$lang]}" -s 145 -w "$tmp/raw.wav" "$text"
    # Telephone band (300-3400 Hz), peak at -3 dBFS, 8 kHz mono A-law.
    sox "$tmp/raw.wav" -r 8000 -c 1 -e a-law "assets/prompts/$lang/$id.wav" sinc 300-3400 norm -3
    n=$((n + 1))
  done
done < scripts/prompts/prompts.tsv
npx tsx scripts/prompts/make-moh.ts
echo "wrote $n prompts"
