"""The dated AWS price table benchmarks/audio_cost.py prices a routine with, and the
assumptions it needs where nothing here could be measured.

Prices: us-east-1 list prices, on-demand, free tiers left out (they would make small
numbers zero). They are as published on the pages cited, the newest of which is dated
July 2025; this machine cannot reach aws.amazon.com, so they were not checked against the
live pricing pages on the day of the run. Re-check them before relying on a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_AS_OF = "2025-07"
"""The newest dated source below (airbyte.com, 21 July 2025)."""


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


LAMBDA_REQUEST = Price(0.20 / 1e6, "request",
                       "$0.20 per 1M requests, x86 and arm64 alike: AWS Lambda pricing page "
                       "(aws.amazon.com/lambda/pricing, via a proxy copy) and "
                       "git.mcrn.ar lambda_local_runner docs/lambdas-md/lambda-13-cost.md")
LAMBDA_ARM_GB_S = Price(0.0000133334, "GB-second",
                        "arm64, first 7.5 billion GB-s a month: cloudchipr.com 'AWS Lambda "
                        "Pricing Breakdown 2024' (US East), same figure in lambda-13-cost.md")
DYNAMODB_WRITE = Price(0.625 / 1e6, "write request unit",
                       "on-demand, after the November 2024 50% cut: airbyte.com 'Amazon "
                       "DynamoDB Pricing' (21 July 2025, US East)")
DYNAMODB_READ = Price(0.125 / 1e6, "read request unit", "same source as DYNAMODB_WRITE")
CLOUDFRONT_GB = Price(0.085, "GB out",
                      "United States, Mexico and Canada, first 10 TB a month: "
                      "aws.amazon.com/cloudfront/pricing")
CLOUDFRONT_HTTPS = Price(0.0100 / 10_000, "HTTPS request",
                         "North America and Europe: wring.co 'AWS CloudFront pricing guide' "
                         "(not on the AWS page as found here: an assumption from a third party)")
S3_STANDARD_GB_MONTH = Price(0.023, "GB-month",
                             "S3 Standard, first 50 TB: devnotes.tech and deepeshsoni.com "
                             "summaries of the S3 pricing page (third party)")
POLLY_NEURAL_CHAR = Price(16.00 / 1e6, "character",
                          "neural voices (the renderer asks for the neural engine first): "
                          "levelup.gitconnected.com quoting the Polly pricing page; "
                          "acecloudinterviews.com (standard $4.00, neural $16.00 per 1M)")
POLLY_STANDARD_CHAR = Price(4.00 / 1e6, "character", "same sources as POLLY_NEURAL_CHAR")
# Polly bills the text, not the SSML around it: "SSML tags are not counted as billed characters"
# (Polly API reference, TextLengthExceededException; docs.aws.amazon.com botocore reference).

# --- assumptions (not measurable here) ------------------------------------------------------
LAMBDA_MEMORY_GB = 0.5
"""template.yaml: MemorySize 512, Architectures [arm64]."""
LAMBDA_FULL_VCPU_MB = 1769
"""'A function configured at 1,769 MB gets a full vCPU' (lambda-13-cost.md, as AWS documents
it): at 512 MB the skill gets 512/1769 of one, so compute measured here on a full core is
scaled by 1769/512. Assumes a Graviton vCPU is as fast as this machine's core (unmeasured)."""
DYNAMODB_CALL_S = 0.005
"""Wall time of one GetItem or PutItem from Lambda in the same region: DynamoDB is sold on
'single-digit millisecond' latency (db-news.com, AWS's own wording); 5 ms is our assumption."""
DIRECTIVE_API_CALL_S = 0.2
"""Wall time of one progressive response (directive API call), which the handler waits for:
skill/core/limits.py's PROGRESSIVE_CALL_TIMEOUT_S note says a healthy API answers in about
0.1-0.3 s; that is our own estimate, not Amazon's, so this is an assumption."""
COLD_STARTS_PER_ROUTINE = 1
"""A skill with little traffic meets a cold Lambda about once per session; INIT is billed
since 1 August 2025 for ZIP functions on managed runtimes (AWS Compute Blog 'AWS Lambda
standardizes billing for INIT Phase', 29 April 2025). INIT is timed here unscaled: it is
reported to run on two unthrottled vCPUs whatever the memory (bitesizedserverless.com, third
party; an assumption)."""
TRACK_FETCHES = 1
"""HTTPS requests a device makes per track: one GET (a player that fetches byte ranges makes
more; each costs CLOUDFRONT_HTTPS, not more bytes)."""
