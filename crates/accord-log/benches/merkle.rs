//! Hot paths of the log: leaf hashing, frontier appends, note verification.
#![allow(clippy::unwrap_used)]
use accord_log::merkle::Frontier;
use accord_log::{Hash, Signer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::SigningKey;

fn benches(c: &mut Criterion) {
    let entry = vec![b'x'; 400];
    let mut g = c.benchmark_group("log");
    g.throughput(Throughput::Elements(1));
    g.bench_function("leaf_hash_400B", |b| b.iter(|| Hash::leaf(&entry)));
    g.bench_function("frontier_push", |b| {
        let mut f = Frontier::new();
        let h = Hash::leaf(b"x");
        b.iter(|| f.push(h, |_| {}))
    });
    let signer = Signer::new("example/log", SigningKey::from_bytes(&[7; 32])).unwrap();
    let note = signer.sign_note("accord/statement/v1\n{\"a\":1}\n").unwrap();
    let text = note.to_text();
    let vk = signer.verifier().clone();
    g.bench_function("note_parse_verify", |b| {
        b.iter(|| accord_log::Note::parse(text.as_bytes()).unwrap().verify(&vk).unwrap())
    });
    g.finish();
}

criterion_group!(log, benches);
criterion_main!(log);
