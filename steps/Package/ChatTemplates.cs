using Workflows.Steps.Train;

namespace Workflows.Steps.Package;

/// <summary>The prompt templates of <see cref="PromptRenderer"/> in the languages runtimes read: Jinja
/// (transformers' and llama.cpp's <c>chat_template</c>) and Go templates (Ollama's <c>TEMPLATE</c>).
/// Each renders a user turn exactly as <see cref="PromptRenderer.Prompt"/> does, so the packaged
/// model sees at inference the text it was trained on.</summary>
internal static class ChatTemplates
{
    public static string Jinja(PromptTemplate template) => template switch
    {
        PromptTemplate.Alpaca =>
            "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}" +
            "{% elif message['role'] == 'user' %}{% if loop.first %}{{ '" + AlpacaPreamble + "' }}{% endif %}{{ '### Instruction:\\n' + message['content'] + '\\n\\n### Response:' }}" +
            "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + '\\n\\n' }}{% endif %}{% endfor %}",
        PromptTemplate.AlpacaShort =>
            "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}" +
            "{% elif message['role'] == 'user' %}{{ '### Instruction:\\n' + message['content'] + '\\n\\n### Response:\\n' }}" +
            "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + '\\n\\n' }}{% endif %}{% endfor %}",
        PromptTemplate.Chatml => Torch.Chat.ChatTemplate.BuiltInSource("chatml"),                  // the template training renders
        PromptTemplate.Plain =>
            "{% for message in messages %}{% if message['role'] == 'assistant' %}{{ message['content'] + eos_token + '\\n' }}" +
            "{% else %}{{ message['content'] + '\\n' }}{% endif %}{% endfor %}",
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "only alpaca, alpaca_short, chatml and plain have a chat template here"),
    };

    public static string Ollama(PromptTemplate template) => template switch
    {
        PromptTemplate.Alpaca => "{{ if .System }}{{ .System }}\n\n{{ else }}" + AlpacaPreamble.Replace("\\n", "\n") + "{{ end }}### Instruction:\n{{ .Prompt }}\n\n### Response:",
        PromptTemplate.AlpacaShort => "{{ if .System }}{{ .System }}\n\n{{ end }}### Instruction:\n{{ .Prompt }}\n\n### Response:\n",
        PromptTemplate.Chatml => "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n",
        PromptTemplate.Plain => "{{ if .System }}{{ .System }}\n{{ end }}{{ .Prompt }}\n",
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "only alpaca, alpaca_short, chatml and plain have a chat template here"),
    };

    // tatsu-lab/stanford_alpaca's prompt_no_input preamble, escaped for a Jinja string literal.
    private const string AlpacaPreamble = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\\n\\n";

    /// <summary>Text that ends an answer in <paramref name="template"/> (besides the EOS token).</summary>
    public static IReadOnlyList<string> Stops(PromptTemplate? template) => template switch
    {
        PromptTemplate.Alpaca or PromptTemplate.AlpacaShort => ["### Instruction:"],
        PromptTemplate.Chatml => ["<|im_end|>", "<|im_start|>"],
        _ => [],
    };
}
