#!/usr/bin/env node
// Cross-checks QuantBench's scores with llama.cpp (node-llama-cpp's prebuilt CPU build) on the same GGUF file.
//
//   node bench/llamacpp-crosscheck.mjs MODEL.gguf --requests REQUESTS.jsonl [--threads 2] [--json]
//   node bench/llamacpp-crosscheck.mjs MODEL.gguf --prompt TEXT [--gen-tokens 40] [--threads 2]
//
// --requests: the file `quantbench eval ... --dump-requests FILE` writes, one JSON line per (item, choice) with the
// context and continuation token ids and QuantBench's summed log-likelihood. llama.cpp scores the same ids (a fresh
// sequence per request, no BOS added beyond the ids given; log-softmax in double), and the script reports the largest
// per-choice difference in nats and whether both engines pick the same choice for every item.
// --prompt: greedy generation from a text prompt (tokenized by llama.cpp), to see that the file loads and talks.

import {readFileSync} from "node:fs";
import {parseArgs} from "node:util";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

function fail(message) {
    process.stderr.write(`llamacpp-crosscheck: ${message}\n`);
    process.exit(2);
}

function parseOptions(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv, allowPositionals: true, options: {
                "threads": {type: "string", default: "2"},
                "requests": {type: "string"},
                "prompt": {type: "string"},
                "gen-tokens": {type: "string", default: "40"},
                "json": {type: "boolean", default: false}
            }
        });
    } catch (e) {
        fail(e.message);
    }
    const {values, positionals} = parsed;
    if (positionals.length !== 1 || (values.requests == null) === (values.prompt == null))
        fail("usage: MODEL.gguf (--requests FILE | --prompt TEXT) [--threads N] [--gen-tokens N] [--json]");
    const threads = Number(values.threads), gen = Number(values["gen-tokens"]);
    if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(gen) || gen < 1)
        fail("--threads and --gen-tokens must be positive integers");
    return {model: positionals[0], threads, requests: values.requests, prompt: values.prompt, genTokens: gen, json: values.json};
}

function readRequests(file, vocab) {
    let text;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        fail(`cannot read ${file}: ${e.message}`);
    }
    return text.split("\n").filter(l => l.trim().length > 0).map((line, i) => {
        let r;
        try {
            r = JSON.parse(line);
        } catch (e) {
            fail(`${file}: line ${i + 1}: ${e.message}`);
        }
        for (const field of ["context", "continuation"]) {
            if (!Array.isArray(r[field]) || r[field].some(id => !Number.isInteger(id) || id < 0 || id >= vocab))
                fail(`${file}: line ${i + 1}: ${field} must be token ids below ${vocab}`);
        }
        if (r.context.length === 0 || r.continuation.length === 0)
            fail(`${file}: line ${i + 1}: empty context or continuation`);
        return r;
    });
}

/** Summed log-probability of the continuation given the context, and whether every token is the greedy pick. */
async function score(sequence, request, vocab) {
    await sequence.clearHistory();
    const ids = [...request.context, ...request.continuation];
    const first = request.context.length - 1;
    const input = ids.map((id, i) => i >= first && i + 1 < ids.length
        ? [id, {generateNext: {logits: true, options: {temperature: 0}}}] : id);
    let logProb = 0;
    let greedy = true;
    await sequence.controlledEvaluate(input, {
        onTokenResult(index, result) {
            const logits = result.next.logits;
            if (logits == null || logits.size !== vocab)
                throw new Error(`position ${index}: expected ${vocab} logits, got ${logits?.size}`);
            let max = -Infinity, arg = -1;
            for (const [id, value] of logits.entries())
                if (value > max) { max = value; arg = id; }
            let sum = 0;
            for (const value of logits.values())
                sum += Math.exp(value - max);
            const target = ids[index + 1];
            logProb += logits.get(target) - max - Math.log(sum);
            greedy &&= arg === target;
        }
    });
    return {logProb, greedy};
}

async function crossCheck(model, options, vocab) {
    const requests = readRequests(options.requests, vocab);
    const longest = Math.max(...requests.map(r => r.context.length + r.continuation.length));
    const context = await model.createContext({contextSize: Math.max(longest, 64), threads: options.threads, sequences: 1});
    const sequence = context.getSequence();
    let maxDiff = 0, sumDiff = 0;
    const items = new Map();
    for (const r of requests) {
        const s = await score(sequence, r, vocab);
        const diff = Math.abs(s.logProb - r.loglikelihood);
        maxDiff = Math.max(maxDiff, diff);
        sumDiff += diff;
        const key = `${r.task}:${r.line}`;
        if (!items.has(key)) items.set(key, {qb: [], llama: []});
        items.get(key).qb[r.choice] = r.loglikelihood;
        items.get(key).llama[r.choice] = s.logProb;
    }
    await context.dispose();
    const argmax = xs => xs.reduce((best, x, i) => x > xs[best] ? i : best, 0);
    let same = 0;
    for (const v of items.values())
        if (argmax(v.qb) === argmax(v.llama)) same++;
    return {
        engine: "llama.cpp (CPU) via node-llama-cpp", model: options.model, requests: requests.length,
        items: items.size, max_abs_diff_nats: maxDiff, mean_abs_diff_nats: sumDiff / requests.length,
        same_argmax_items: same
    };
}

async function generate(model, options) {
    const context = await model.createContext({contextSize: 512, threads: options.threads, sequences: 1});
    const sequence = context.getSequence();
    const prompt = model.tokenize(options.prompt);
    const out = [];
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        out.push(token);
        if (out.length >= options.genTokens || model.isEogToken?.(token)) break;
    }
    await context.dispose();
    return {engine: "llama.cpp (CPU) via node-llama-cpp", model: options.model, prompt: options.prompt,
        generated_ids: out.map(Number), text: model.detokenize(out)};
}

const options = parseOptions(process.argv.slice(2));
const llama = await getLlama({build: "never", gpu: false, maxThreads: options.threads, logLevel: LlamaLogLevel.warn});
let model;
try {
    model = await llama.loadModel({modelPath: options.model, gpuLayers: 0});
} catch (e) {
    fail(`cannot load ${options.model}: ${e.message}`);
}
const vocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
if (!Number.isInteger(vocab))
    fail(`${options.model}: no tokenizer.ggml.tokens in the metadata`);
const result = options.requests != null ? await crossCheck(model, options, vocab) : await generate(model, options);
await model.dispose();
await llama.dispose();
if (options.json || options.prompt != null)
    console.log(JSON.stringify(result, null, options.json ? 0 : 2));
else
    console.log(`${result.requests} requests over ${result.items} items: max |diff| ${result.max_abs_diff_nats.toFixed(5)} nats,`
        + ` mean ${result.mean_abs_diff_nats.toFixed(5)}; same argmax on ${result.same_argmax_items}/${result.items} items`);
