# Image of the Python layer (the migrate service).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends sqitch libdbd-pg-perl postgresql-client build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
# editable: the compiled modules are built next to the sources, and data/ and
# sqitch.plan stay where pycore looks for them
RUN pip install --no-cache-dir -e .
ENV PYTHONUNBUFFERED=1
