#!/bin/sh
# Writes a firmware image to an SD card or pushes it to a running box over SSH.
# The image build (firmware/) comes first; until then this refuses instead of pretending.
echo "flash.sh: not implemented yet: see firmware/README" >&2
exit 2
