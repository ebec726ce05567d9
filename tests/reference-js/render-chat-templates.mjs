// Expected chat-template renderings from @huggingface/jinja (the JavaScript Jinja that
// transformers.js uses): every official template in ../shared/tokenizers/families (the .jinja files
// and each tokenizer_config.json's chat_template) and every built-in template of the engine,
// on every conversation of conversations.json. A template that raises records its message.
// Usage: npm ci && node render-chat-templates.mjs [out.json]   (default: rewrites ../Workflows.Torch.Tests/Fixtures/chat/expected.json)
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from '@huggingface/jinja';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const families = join(root, '..', 'shared', 'tokenizers', 'families');
const fixtures = join(root, 'tests', 'Workflows.Torch.Tests', 'Fixtures', 'chat');
const builtIn = join(root, 'engine', 'Workflows.Torch', 'Chat', 'Templates');

// Template name → [path relative to the repository root's parent or the repository, bos, eos].
const tokens = {
  llama: ['<|begin_of_text|>', '<|eot_id|>'], qwen: [null, '<|im_end|>'], gemma: ['<bos>', '<eos>'],
  phi: ['<s>', '<|endoftext|>'], mistral: ['<s>', '</s>'],
};
const sources = [
  ['chat_templates/meta-llama-Llama-3.1-8B-Instruct.jinja', tokens.llama],
  ['chat_templates/meta-llama-Llama-3.2-3B-Instruct.jinja', tokens.llama],
  ['chat_templates/Qwen-Qwen2.5-7B-Instruct.jinja', tokens.qwen],
  ['chat_templates/Qwen-Qwen3-0.6B.jinja', tokens.qwen],
  ['chat_templates/google-gemma-2-2b-it.jinja', tokens.gemma],
  ['chat_templates/microsoft-Phi-3.5-mini-instruct.jinja', tokens.phi],
  ['chat_templates/mistralai-Mistral-Nemo-Instruct-2407.jinja', tokens.mistral],
  ['llama-3.2-1b-instruct/tokenizer_config.json', tokens.llama],
  ['qwen2.5-0.5b-instruct/tokenizer_config.json', tokens.qwen],
  ['qwen3-0.6b/tokenizer_config.json', tokens.qwen],
  ['tinyllama-1.1b-chat/tokenizer_config.json', tokens.mistral],
];
const builtInTokens = { llama3: tokens.llama, chatml: tokens.qwen, mistral: tokens.mistral, gemma: tokens.gemma, phi3: tokens.phi };

function load(path) {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text).chat_template : text;
}

const templates = sources.map(([path, [bos, eos]]) => ({ name: path, source: load(join(families, path)), bos, eos }));
for (const file of readdirSync(builtIn).filter(f => f.endsWith('.jinja')).sort()) {
  const name = file.replace(/\.jinja$/, '');
  const [bos, eos] = builtInTokens[name];
  templates.push({ name: `builtin:${name}`, source: readFileSync(join(builtIn, file), 'utf8'), bos, eos });
}

const conversations = JSON.parse(readFileSync(join(fixtures, 'conversations.json'), 'utf8'));
const rows = [];
for (const t of templates) {
  const template = new Template(t.source);
  for (const c of conversations) {
    // A fixed date_string: Llama 3.2's template would otherwise print today's date (strftime_now).
    const context = { messages: c.messages, add_generation_prompt: c.add_generation_prompt, date_string: '26 Jul 2024', ...(c.extra ?? {}) };
    if (c.tools) context.tools = c.tools;
    if (t.bos !== null) context.bos_token = t.bos;
    if (t.eos !== null) context.eos_token = t.eos;
    try {
      rows.push({ template: t.name, conversation: c.name, output: template.render(context) });
    } catch (e) {
      rows.push({ template: t.name, conversation: c.name, error: String(e.message) });
    }
  }
}
writeFileSync(process.argv[2] ?? join(fixtures, 'expected.json'), '[\n' + rows.map(r => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n');
console.log(`${templates.length} templates × ${conversations.length} conversations: ${rows.filter(r => r.error).length} raise`);
