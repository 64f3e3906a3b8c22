//! Ed25519 verification: Accord's strict rule against the alternatives it
//! was chosen from (crates/accord-log/src/ed25519.rs). One thread each;
//! `cargo bench -p accord-log --bench verify`.
#![allow(clippy::unwrap_used)]
use accord_log::ed25519::StrongKey;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _};

fn benches(c: &mut Criterion) {
    let keys: Vec<SigningKey> = (0..64u8).map(|i| SigningKey::from_bytes(&[i + 1; 32])).collect();
    let msgs: Vec<Vec<u8>> = (0..64)
        .map(|i| {
            format!(
                "accord/statement/v1\n{{\"body\":{{\"text\":\"{i} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}},\
                 \"member\":\"M{i}\",\"seq\":{i},\"time\":\"2026-12-02T10:00:00Z\",\"type\":\"note.publish\"}}\n"
            )
            .into_bytes()
        })
        .collect();
    let sigs: Vec<Signature> = keys.iter().zip(&msgs).map(|(k, m)| k.sign(m)).collect();
    let vks: Vec<_> = keys.iter().map(|k| k.verifying_key()).collect();
    let strong: Vec<StrongKey> = vks.iter().map(|v| StrongKey::parse(v.as_bytes()).unwrap()).collect();

    let mut g = c.benchmark_group("ed25519_verify");
    g.throughput(Throughput::Elements(64));
    g.bench_function("accord_strict", |b| {
        b.iter(|| {
            for i in 0..64 {
                strong[i].verify(&msgs[i], &sigs[i].to_bytes()).unwrap();
            }
        })
    });
    g.bench_function("aws_lc_rs_verify_without_checks", |b| {
        b.iter(|| {
            for i in 0..64 {
                aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ED25519, vks[i].as_bytes())
                    .verify(&msgs[i], &sigs[i].to_bytes())
                    .unwrap();
            }
        })
    });
    g.bench_function("dalek_verify", |b| {
        b.iter(|| {
            for i in 0..64 {
                vks[i].verify(&msgs[i], &sigs[i]).unwrap();
            }
        })
    });
    g.bench_function("dalek_verify_strict", |b| {
        b.iter(|| {
            for i in 0..64 {
                vks[i].verify_strict(&msgs[i], &sigs[i]).unwrap();
            }
        })
    });
    let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
    g.bench_function("dalek_verify_batch_64_not_used", |b| {
        b.iter(|| ed25519_dalek::verify_batch(&refs, &sigs, &vks).unwrap())
    });
    g.bench_function("strong_key_parse", |b| b.iter(|| StrongKey::parse(vks[0].as_bytes()).unwrap()));
    g.finish();
}

criterion_group!(verify, benches);
criterion_main!(verify);
