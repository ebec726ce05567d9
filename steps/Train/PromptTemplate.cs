namespace Workflows.Steps.Train;

/// <summary>How a row is written out as prompt and completion text.</summary>
public enum PromptTemplate
{
    /// <summary>The Stanford Alpaca prompt, word for word: its preamble ("Below is an instruction that
    /// describes a task…", with the "paired with an input" variant when the row has an input), then
    /// <c>### Instruction:</c> / <c>### Input:</c> / <c>### Response:</c> and the answer straight after
    /// <c>### Response:</c>. A system message replaces the preamble.</summary>
    Alpaca,
    /// <summary>Alpaca's sections without the preamble (<c>### Instruction:\n…\n\n### Response:\n</c>);
    /// a system message goes first. Shorter, for small contexts.</summary>
    AlpacaShort,
    /// <summary><c>&lt;|im_start|&gt;role … &lt;|im_end|&gt;</c> turns.</summary>
    Chatml,
    /// <summary>The instruction (and input) on its own line, then the answer.</summary>
    Plain,
    /// <summary>The <c>custom_template</c> prompt, then the answer.</summary>
    Custom,
    /// <summary>The model's own Jinja <c>chat_template</c> from its <c>tokenizer_config.json</c>.</summary>
    Auto,
    /// <summary>Llama 3 Instruct: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;</c> … <c>&lt;|eot_id|&gt;</c> (built-in Jinja template).</summary>
    Llama3,
    /// <summary>Mistral Instruct: <c>[INST] … [/INST]</c> answer <c>&lt;/s&gt;</c> (built-in Jinja template).</summary>
    Mistral,
    /// <summary>Gemma: <c>&lt;start_of_turn&gt;role</c> … <c>&lt;end_of_turn&gt;</c> (built-in Jinja template).</summary>
    Gemma,
    /// <summary>Phi-3/3.5: <c>&lt;|role|&gt;</c> … <c>&lt;|end|&gt;</c> (built-in Jinja template).</summary>
    Phi3,
}
