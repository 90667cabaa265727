#!/usr/bin/env bash
# Compute-role credentials leaving AWS, end to end: the session key of an EC2 instance profile
# (its role session named by the instance id), used from an Amazon address, then by the same
# SDK from a rented server, is `rotate` with credential_exfil "outside AWS"; a Lambda function's
# key that stays in its region, with AWS calling on its behalf, is `ok`. The ASN database is
# built here with `keytrail mkgeo`; addresses and key ids are made up.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"

ec2=ASIAQWERTYUIOPASDFGH
fn=ASIAZXCVBNMQWERTYUIA

cat >"$WORK/networks.csv" <<'CSV'
network,country_iso_code,country_name,city,latitude,longitude,asn,as_org
3.91.0.0/16,US,United States,Ashburn,39.04,-77.49,14618,"Amazon.com, Inc."
203.0.113.0/24,RO,Romania,Bucharest,44.43,26.10,64511,VPS Hosting
CSV
run geo mkgeo "$WORK/networks.csv" "$WORK/city.mmdb" "$WORK/asn.mmdb"
expect_rc geo 0

sdk="aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 api/s3#1.58.2"
lambda="Boto3/1.34.145 md/Botocore#1.34.145 lang/python#3.12.5 exec-env/AWS_Lambda_python3.12"
rec() { # rec KEY SESSION TIME IP AGENT NAME
    printf '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole",'
    printf '"arn":"arn:aws:sts::111122223333:assumed-role/app-role/%s","accessKeyId":"%s"},' "$2" "$1"
    printf '"eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"%s",' "$3" "$6"
    printf '"awsRegion":"us-east-1","sourceIPAddress":"%s","userAgent":"%s"}' "$4" "$5"
}
{
    printf '{"Records":['
    rec $ec2 i-0abc12345def67890 2026-11-03T08:00:00Z 3.91.20.7 "$sdk" GetObject; printf ,
    rec $ec2 i-0abc12345def67890 2026-11-03T08:05:00Z 3.91.20.7 "$sdk" PutObject; printf ,
    rec $fn fnSession0001 2026-11-03T08:00:00Z 3.91.40.9 "$lambda" GetObject; printf ,
    rec $fn fnSession0001 2026-11-03T08:01:00Z "AWS Internal" "AWS Internal" Decrypt; printf ,
    rec $fn fnSession0001 2026-11-03T08:02:00Z lambda.amazonaws.com lambda.amazonaws.com Decrypt
    printf ,
    rec $fn fnSession0001 2026-11-03T09:30:00Z 3.91.41.2 "$lambda" PutObject; printf ,
    rec $ec2 i-0abc12345def67890 2026-11-03T11:20:00Z 203.0.113.213 "$sdk" ListBuckets
    printf ']}\n'
} >"$WORK/trail.json"

ec2_id=$("$KT_BIN" fingerprint "$ec2" | awk '{print $1}')
fn_id=$("$KT_BIN" fingerprint "$fn" | awk '{print $1}')

run x scan --geoip "$WORK/city.mmdb" --asn "$WORK/asn.mmdb" --report "$WORK/r.json" \
    "$WORK/trail.json"
expect_rc x 1
verdict() { jq -r --arg k "$1" '.keys[] | select(.key == $k) | .verdict' "$WORK/r.json"; }
[ "$(verdict "$ec2_id")" = rotate ] || fail "the instance's key taken outside AWS is not rotate"
[ "$(verdict "$fn_id")" = ok ] || fail "the function's key that stayed in AWS is not ok"
jq -e --arg k "$ec2_id" '.keys[] | select(.key == $k) | .findings[]
    | select(.detector == "credential_exfil" and .value == "outside AWS"
             and .severity == "critical")' "$WORK/r.json" >/dev/null ||
    fail "no critical credential_exfil outside AWS on the instance's key"
echo "ok: an instance-profile key used outside AWS is rotate, a function's key in AWS is ok"
