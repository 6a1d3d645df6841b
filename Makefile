.PHONY: run test build docs fuzz bench-redis bench-engine bench-cluster bench-tracing bench-email bench-policies bench-priority bench-files bench-social bench-ocr format

run:            ## run the worker on the embedded default (local Redis under ./var)
	bash scripts/run.sh

test:           ## run every test (installs and starts what the tests need)
	bash scripts/test.sh

build:
	swift build

docs:           ## regenerate docs/configuration.md from the settings declarations
	swift build --product blueprint
	"$$(swift build --show-bin-path)/blueprint" check-config --markdown > docs/configuration.md

fuzz:           ## fuzz the RESP decoder with libFuzzer (FUZZ_SECONDS, default 600)
	bash scripts/fuzz-resp.sh

bench-redis:    ## our Redis client vs redis-benchmark on one fresh redis-server
	bash scripts/bench-redis.sh

bench-priority: ## p99 enqueue->start of 100 codes queued behind 50,000 bulk notifications, lanes on vs off
	bash scripts/bench-priority.sh

bench-email:    ## mails/s to a local aiosmtpd: connection reuse + pipelining vs one connection per mail; template batches vs one job at a time
	bash scripts/bench-email.sh

bench-engine:   ## drain rate, enqueue rate and latency vs the peers
	bash scripts/bench-engine.sh

bench-cluster:  ## drain of one logical queue: 1 partition on one shard vs 3 partitions on 3 masters (own 3-master cluster)
	bash scripts/bench-cluster.sh

bench-tracing:  ## the engine drain with tracing off / on (local OTLP receiver) / off
	bash scripts/bench-tracing.sh

bench-policies: ## limiter checks/s vs plain INCR; drain rate with encryption on vs off
	bash scripts/bench-policies.sh

bench-files:    ## image variants/s vs vipsthumbnail and ImageMagick on 50 camera JPEGs; peak RSS
	bash scripts/bench-files.sh

bench-social:   ## verify_social HTTP calls per 1,000 jobs: Redis cache + batched GitHub GraphQL lookups on vs off
	swift build --product bench-social
	"$$(swift build --show-bin-path)/bench-social"

bench-ocr:      ## OCR pages/s: our engine pool (engines reused) vs the tesseract CLI per page
	bash scripts/bench-ocr.sh

format:
	swift format --in-place --recursive Sources Tests Benchmarks
