# The two commands of the README, and a few shortcuts. Every target sets up what it needs.
.PHONY: run test setup bindings screenshots icons package bench notices

## Set everything up, build, and open the app.
run:
	bash scripts/run.sh

## Set everything up and run the whole test suite (what CI runs).
test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

## Rewrite the third-party notices (About page, portolan --version) after a dependency change.
notices:
	bash scripts/notices.sh

## Rewrite ui/src/lib/bindings.ts from the Rust types.
bindings:
	. scripts/env.sh && UPDATE_BINDINGS=1 cargo test -p portolan-core --lib bindings

## Regenerate the README's screenshots from the real app under Xvfb.
screenshots:
	bash scripts/screenshots.sh

## Regenerate every icon size from icons/portolan.svg.
icons:
	cd ui && npx tauri icon ../icons/portolan.svg -o ../icons && rm -rf ../icons/android ../icons/ios

## Build the .deb and .rpm packages (offline), each with the app and the portolan CLI.
package:
	bash scripts/package.sh

## The figures: the engine's (check vs swaks on loopback and at 100 ms round-trip time, the
## probe; needs root) and the desktop app's (cold start, idle memory, .deb size; after make
## package).
bench:
	bash scripts/bench-engine.sh
	bash scripts/bench-app.sh
