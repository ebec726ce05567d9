namespace Workflows.Steps.Train;

/// <summary>How a row is written out as prompt and completion text.</summary>
public enum PromptTemplate
{
    /// <summary><c>### Instruction:</c> / <c>### Input:</c> / <c>### Response:</c> sections (Stanford Alpaca).</summary>
    Alpaca,
    /// <summary><c>&lt;|im_start|&gt;role … &lt;|im_end|&gt;</c> turns.</summary>
    Chatml,
    /// <summary>The instruction (and input) on its own line, then the answer.</summary>
    Plain,
    /// <summary>The <c>custom_template</c> prompt, then the answer.</summary>
    Custom,
}
