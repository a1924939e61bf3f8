#!/usr/bin/env node
// The llama.cpp peer for QuantBench's benchmarks: llama.cpp's CPU build (node-llama-cpp's prebuilt binaries)
// timed on the same GGUF weights as the Java engine, and a perplexity cross-check on a fixed token window.
//
//   node bench/llamacpp-bench.mjs MODEL.gguf [--threads 2] [--prompt-tokens 128] [--gen-tokens 64]
//        [--repeats 3] [--batch-size 512] [--seed 42] [--json]
//   node bench/llamacpp-bench.mjs MODEL.gguf --nll IDS.txt [--threads 2] [--batch-size 512] [--json]
//
// Speed: each repeat clears the KV cache, evaluates a prompt of --prompt-tokens seeded random ids in
// [100, vocab) as one prefill (tokens/s = prompt tokens / wall time), then generates --gen-tokens greedily, one
// token per evaluation, right after that prompt (tokens/s = generated tokens / wall time; sampling included).
// One untimed warm-up repeat comes first. Reported: median, min and max over the repeats.
//
// NLL: the ids file holds comma-separated token ids; no BOS is added. Every token after the first is scored
// given all the tokens before it, in one context; the result is the mean natural-log NLL over those tokens.

import {readFileSync} from "node:fs";
import {loadavg} from "node:os";
import {parseArgs} from "node:util";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

// The package's "exports" hide its package.json, so read it from the node_modules beside this script.
const BINDING_VERSION = JSON.parse(readFileSync(
    new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;
const RANDOM_ID_FLOOR = 100; // below this sit special and byte tokens, which are not typical prompt text

function fail(message) {
    process.stderr.write(`llamacpp-bench: ${message}\n`);
    process.exit(2);
}

function positiveInt(name, text) {
    if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
        fail(`--${name} must be a positive integer, got "${text}"`);
    return Number(text);
}

function parseOptions(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                "threads": {type: "string", default: "2"},
                "prompt-tokens": {type: "string", default: "128"},
                "gen-tokens": {type: "string", default: "64"},
                "repeats": {type: "string", default: "3"},
                "batch-size": {type: "string", default: "512"},
                "seed": {type: "string", default: "42"},
                "nll": {type: "string"},
                "json": {type: "boolean", default: false},
                "help": {type: "boolean", short: "h", default: false}
            }
        });
    } catch (e) {
        fail(e.message);
    }
    const {values, positionals} = parsed;
    if (values.help) {
        process.stdout.write("usage: node bench/llamacpp-bench.mjs MODEL.gguf [--threads N] [--prompt-tokens N]"
            + " [--gen-tokens N] [--repeats N] [--batch-size N] [--seed N] [--nll IDS.txt] [--json]\n");
        process.exit(0);
    }
    if (positionals.length !== 1)
        fail("expected exactly one model path (a .gguf file); see --help");
    return {
        model: positionals[0],
        threads: positiveInt("threads", values.threads),
        promptTokens: positiveInt("prompt-tokens", values["prompt-tokens"]),
        genTokens: positiveInt("gen-tokens", values["gen-tokens"]),
        repeats: positiveInt("repeats", values.repeats),
        batchSize: positiveInt("batch-size", values["batch-size"]),
        seed: positiveInt("seed", values.seed),
        nll: values.nll,
        json: values.json
    };
}

/** mulberry32: a small seeded generator, so that a seed names the same prompt on every machine. */
function seededRandom(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6D2B79F5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function randomIds(count, vocab, random) {
    return Array.from({length: count}, () => RANDOM_ID_FLOOR + Math.floor(random() * (vocab - RANDOM_ID_FLOOR)));
}

function summary(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return {median, min: sorted[0], max: sorted[sorted.length - 1], runs: values};
}

function readIds(file, vocab) {
    let text;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        fail(`cannot read ${file}: ${e.message}`);
    }
    const ids = text.split(",").map(s => s.trim()).filter(s => s.length > 0).map((s, i) => {
        if (!/^[0-9]+$/.test(s) || Number(s) >= vocab)
            fail(`${file}: item ${i} "${s.slice(0, 20)}" is not a token id in [0, ${vocab})`);
        return Number(s);
    });
    if (ids.length < 2)
        fail(`${file}: needs at least 2 token ids, has ${ids.length}`);
    return ids;
}

async function timeSpeed(model, llama, options, vocab) {
    const contextSize = options.promptTokens + options.genTokens + 1;
    const context = await model.createContext({
        contextSize, batchSize: options.batchSize, threads: options.threads, sequences: 1
    });
    const sequence = context.getSequence();
    const random = seededRandom(options.seed);
    const prompt = randomIds(options.promptTokens, vocab, random);
    const first = randomIds(1, vocab, random);

    async function once() {
        await sequence.clearHistory();
        let start = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens(prompt);
        const prefillMs = performance.now() - start;
        let generated = 0;
        start = performance.now();
        for await (const _ of sequence.evaluate(first, {temperature: 0, yieldEogToken: true})) {
            if (++generated === options.genTokens)
                break;
        }
        const decodeMs = performance.now() - start;
        if (generated !== options.genTokens)
            throw new Error(`generation stopped after ${generated} of ${options.genTokens} tokens`);
        return {prefill: options.promptTokens / (prefillMs / 1000), decode: generated / (decodeMs / 1000)};
    }

    await once();
    const runs = [];
    for (let r = 0; r < options.repeats; r++)
        runs.push(await once());
    await context.dispose();
    return {
        mode: "speed",
        ...provenance(model, llama, options, contextSize),
        prompt_tokens: options.promptTokens,
        gen_tokens: options.genTokens,
        repeats: options.repeats,
        seed: options.seed,
        prompt: `${options.promptTokens} seeded random ids in [${RANDOM_ID_FLOOR}, ${vocab}), mulberry32`,
        prefill_tok_s: summary(runs.map(r => r.prefill)),
        decode_tok_s: summary(runs.map(r => r.decode)),
        decode_definition: `greedy, one token per evaluation, after the ${options.promptTokens}-token prompt; sampling included`
    };
}

async function meanNll(model, llama, options, vocab) {
    const ids = readIds(options.nll, vocab);
    if (ids.length > model.trainContextSize)
        fail(`${options.nll}: ${ids.length} ids exceed the model's context of ${model.trainContextSize}`);
    const contextSize = ids.length;
    const context = await model.createContext({
        contextSize, batchSize: options.batchSize, threads: options.threads, sequences: 1
    });
    const sequence = context.getSequence();
    // All logits of every scored position come back (at temperature 0 the sampler chain is greedy alone, so they
    // are raw). Each position's log-sum-exp is taken twice: in double, the exact figure, and as a float32 running
    // sum in vocabulary order, which is how llama.cpp-side tools (and golden.json's mean_nll_llama_cpp) sum it;
    // dropping terms below float32 resolution biases that figure low by about 1e-4. The ask for only the
    // target's logit plus node-llama-cpp's totalLogitWeight would be cheaper, but that weight is the float32 sum.
    const input = ids.map((id, i) => i + 1 < ids.length
        ? [id, {generateNext: {logits: true, options: {temperature: 0}}}]
        : id);
    let exact = 0;
    let float32 = 0;
    let scored = 0;
    const start = performance.now();
    await sequence.controlledEvaluate(input, {
        onTokenResult(index, result) {
            const logits = result.next.logits;
            if (logits == null || logits.size !== vocab)
                throw new Error(`position ${index}: expected ${vocab} logits, got ${logits?.size}`);
            let max = -Infinity;
            for (const value of logits.values())
                max = Math.max(max, value);
            let sum = 0;
            let sum32 = 0;
            for (const value of logits.values()) {
                sum += Math.exp(value - max);
                sum32 = Math.fround(sum32 + Math.fround(Math.exp(Math.fround(value - max))));
            }
            const target = logits.get(ids[index + 1]) - max;
            exact -= target - Math.log(sum);
            float32 -= target - Math.log(sum32);
            scored++;
            delete result.next.logits; // 49k entries per position: keep memory flat over long windows
        }
    });
    const seconds = (performance.now() - start) / 1000;
    if (scored !== ids.length - 1)
        throw new Error(`scored ${scored} of ${ids.length - 1} positions`);
    await context.dispose();
    const predicted = ids.length - 1;
    return {
        mode: "nll",
        ...provenance(model, llama, options, contextSize),
        ids_file: options.nll,
        tokens: ids.length,
        predicted_tokens: predicted,
        mean_nll: exact / predicted,
        perplexity: Math.exp(exact / predicted),
        mean_nll_float32_sum: float32 / predicted,
        eval_seconds: seconds,
        definition: "mean natural-log NLL of tokens 1..n-1, each given all preceding ids in one context, no BOS"
            + " added; mean_nll: log-sum-exp in double; mean_nll_float32_sum: float32 running sum in vocabulary order"
    };
}

function provenance(model, llama, options, contextSize) {
    return {
        engine: "llama.cpp (CPU)",
        binding: `node-llama-cpp ${BINDING_VERSION} (${llama.buildType})`,
        cpu_features: llama.systemInfo.trim(),
        model: options.model,
        model_type: model.typeDescription,
        model_bytes: model.size,
        threads: options.threads,
        batch_size: options.batchSize,
        context_size: contextSize,
        kv_cache: "llama.cpp default (F16)",
        // Other processes on the cores wreck llama.cpp's spinning thread barriers: keep the load with the numbers.
        load_average_1m: {at_start: LOAD_AT_START, at_end: loadavg()[0]}
    };
}

function printHuman(result) {
    const line = (name, s) => `${name}: median ${s.median.toFixed(1)} tok/s (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
    console.log(`${result.engine}, ${result.binding}, ${result.model_type}, ${result.threads} threads`
        + ` (1-min load average ${result.load_average_1m.at_start.toFixed(2)} at start, ${result.load_average_1m.at_end.toFixed(2)} at end)`);
    if (result.mode === "nll") {
        console.log(`mean NLL ${result.mean_nll.toFixed(6)} (perplexity ${result.perplexity.toFixed(3)}) over ${result.predicted_tokens} predicted tokens`);
        console.log(`mean NLL with a float32 log-sum-exp ${result.mean_nll_float32_sum.toFixed(6)}`);
    } else {
        console.log(line(`prefill (${result.prompt_tokens} tokens)`, result.prefill_tok_s));
        console.log(line(`decode (${result.gen_tokens} tokens)`, result.decode_tok_s));
    }
}

const LOAD_AT_START = loadavg()[0];
const options = parseOptions(process.argv.slice(2));
const llama = await getLlama({
    build: "never",
    gpu: false,
    maxThreads: options.threads,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => process.stderr.write(`[llama.cpp ${level}] ${message.trimEnd()}\n`)
});
let model;
try {
    model = await llama.loadModel({modelPath: options.model, gpuLayers: 0});
} catch (e) {
    fail(`cannot load ${options.model}: ${e.message}`);
}
const vocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
if (!Number.isInteger(vocab) || vocab <= RANDOM_ID_FLOOR)
    fail(`${options.model}: no usable tokenizer.ggml.tokens in the metadata`);
const result = options.nll != null
    ? await meanNll(model, llama, options, vocab)
    : await timeSpeed(model, llama, options, vocab);
await model.dispose();
await llama.dispose();
if (options.json)
    console.log(JSON.stringify(result));
else
    printHuman(result);
