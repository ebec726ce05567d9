// Expected token ids for the families without llama.cpp test vectors, from @huggingface/transformers
// (the JavaScript port of HF tokenizers) run on the real tokenizer.json files in ../shared.
// Usage: npm ci && npm install --no-save @huggingface/transformers@4.3.2 && node make-tokenizer-ids.mjs   (rewrites ../Workflows.Torch.Tests/Fixtures/tokenizers/*.json)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PreTrainedTokenizer } from '@huggingface/transformers';

const here = dirname(fileURLToPath(import.meta.url));
const families = join(here, '..', '..', '..', 'shared', 'tokenizers', 'families');
const out = join(here, '..', 'Workflows.Torch.Tests', 'Fixtures', 'tokenizers');

// llama.cpp's tricky texts (whitespace, digits, Unicode), then chat markup with special tokens.
const vectors = readFileSync(join(families, 'llama.cpp-vocab-tests', 'ggml-vocab-llama-bpe.gguf.inp'), 'utf8')
  .split('\n__ggml_vocab_test__\n').slice(0, -1);
const chat = [
  '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>',
  '[INST] What is 2+2? [/INST] 4</s>',
  '<|user|>\nHi<|end|>\n<|assistant|>\nHello<|end|>\n',
  'Zürich café — naïve 東京 😀 12345 3.14159',
];
const texts = [...vectors, ...chat];

const cases = [
  ['qwen3-0.6b', 'qwen3-0.6b/tokenizer.json', 'qwen3-0.6b/tokenizer_config.json'],
  ['mistral-7b-instruct-v0.3', 'mistral-7b-instruct-v0.3/tokenizer.json', null],
  ['phi-3.5-mini-instruct', 'phi-3.5-mini-instruct/tokenizer.json', null],
  ['llama-3.2-1b-instruct', 'llama-3.2-1b-instruct/tokenizer.json', 'llama-3.2-1b-instruct/tokenizer_config.json'],
];
mkdirSync(out, { recursive: true });
for (const [name, json, config] of cases) {
  const tokenizerJson = JSON.parse(readFileSync(join(families, json), 'utf8'));
  const tokenizerConfig = config ? JSON.parse(readFileSync(join(families, config), 'utf8')) : {};
  delete tokenizerConfig.chat_template;
  const tokenizer = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
  const rows = texts.map(text => ({ text, ids: tokenizer.encode(text, { add_special_tokens: false }) }));
  const body = '[\n' + rows.map(r => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n';
  writeFileSync(join(out, `${name}.json`), body);
  console.log(`${name}: ${rows.length} texts`);
}
