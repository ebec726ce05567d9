namespace Workflows.Steps.Package;

/// <summary>A format the package is written in.</summary>
public enum PackageFormat
{
    /// <summary>Hugging Face folder (<c>config.json</c>, <c>model.safetensors</c>, tokenizer files), or a PEFT folder for an adapter.</summary>
    Hf,
    /// <summary>GGUF files for llama.cpp, Ollama and LM Studio, with an Ollama <c>Modelfile</c>; full models only.</summary>
    Gguf,
}
