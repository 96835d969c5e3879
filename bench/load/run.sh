#!/usr/bin/env bash
# A bounded load run against gunicorn on PostgreSQL, loopback only; stops by itself.
#
#   bench/load/run.sh DATABASE [USERS] [DURATION]     e.g. bench/load/run.sh hardening_load 60 5m
#
# DATABASE is a throwaway copy (CREATE DATABASE x TEMPLATE region_full), migrated: the
# run sets passwords and adds tokens there (bench/load/prepare.py). Starts gunicorn
# (gthread, 2 workers x 4 threads, as in the README) on a free 127.0.0.1 port, runs
# locust headless with the mix of bench/load/locustfile.py for DURATION, prints the
# figures and the machine's load, and stops gunicorn on any exit.
#
# --keep-alive 30: longer than a simulated user's pause, so that gunicorn does not close
# a kept-alive connection just as the client sends on it (reset by peer: a client-side
# race, not an answer of the server; in production the TLS proxy holds the connections).
# Development mode with DEBUG off: production mode's Secure cookies are not sent back
# over plain http, and a TLS proxy is out of scope here. Everything else (Argon2,
# two-factor, CSP, rate limits per caller) is as in production; the per-address API
# limit is off because every simulated user comes from 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
db="${1:?usage: bench/load/run.sh DATABASE [USERS] [DURATION]}"
users="${2:-60}"
duration="${3:-5m}"
out="var/load/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
.venv/bin/python bench/load/prepare.py "$out/accounts.json"

export DOORSTEP_MODE=development DEBUG=0 LOG_LEVEL=WARNING
export DOORSTEP_API_RATE_PER_IP=0
export DOORSTEP_SMS_BACKEND=sms_file.FileBackend DOORSTEP_LOAD_SMS_FILE="$PWD/$out/sms.txt"
export PYTHONPATH="$PWD/bench/load"
export LOAD_ACCOUNTS="$PWD/$out/accounts.json"

.venv/bin/gunicorn doorstep.wsgi --worker-class gthread --workers 2 --threads 4 \
  --bind "127.0.0.1:$port" --keep-alive 30 --access-logfile /dev/null \
  --error-logfile "$out/gunicorn.log" &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break
  sleep 1
done

echo "load before: $(uptime)" | tee "$out/machine.txt"
.venv/bin/locust -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$port" \
  --users "$users" --spawn-rate 2 --run-time "$duration" --stop-timeout 10 \
  --csv "$out/locust" --only-summary 2>&1 | tail -40 | tee "$out/summary.txt" || true
echo "load after:  $(uptime)" | tee -a "$out/machine.txt"
echo "gunicorn errors logged: $(grep -c 'Traceback\|ERROR' "$out/gunicorn.log" || true)"
echo "results in $out"
