using Workflows.Torch.Llama;

namespace Workflows.Torch.Gguf;

/// <summary>Adds the <c>tokenizer.ggml.*</c> keys llama.cpp's vocabulary loader reads.</summary>
internal static class GgufTokenizerMetadata
{
    public static void Add(GgufWriter writer, GgufVocabulary vocabulary, LlamaConfig config, string? chatTemplate, int? endOfTurn = null)
    {
        if (vocabulary.Tokens.Count > config.VocabSize)
            throw new InvalidOperationException($"the tokenizer has {vocabulary.Tokens.Count} tokens but the model's vocab_size is {config.VocabSize}");
        // llama.cpp sizes the embedding by the token list, so a padded vocabulary gets unused filler
        // tokens, as convert_hf_to_gguf.py writes them.
        var padding = Enumerable.Range(vocabulary.Tokens.Count, config.VocabSize - vocabulary.Tokens.Count).ToList();
        writer.Add("tokenizer.ggml.model", vocabulary.Model);
        if (vocabulary.Model == "gpt2") writer.Add("tokenizer.ggml.pre", "gpt-2");             // llama.cpp's name for the GPT-2 split regex
        writer.Add("tokenizer.ggml.tokens", [.. vocabulary.Tokens, .. padding.Select(id => $"[PAD{id}]")]);
        if (vocabulary.Scores is not null) writer.Add("tokenizer.ggml.scores", [.. vocabulary.Scores, .. padding.Select(_ => 0f)]);
        writer.Add("tokenizer.ggml.token_type", [.. vocabulary.Types, .. padding.Select(_ => 5)]);
        if (vocabulary.Merges is not null) writer.Add("tokenizer.ggml.merges", vocabulary.Merges);
        if (config.BosTokenId is { } bos) writer.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        if (config.EosTokenIds.Count > 0) writer.Add("tokenizer.ggml.eos_token_id", (uint)config.EosTokenIds[0]);
        if (endOfTurn is { } eot) writer.Add("tokenizer.ggml.eot_token_id", (uint)eot);
        var unknown = vocabulary.Types.ToList().IndexOf(2);
        if (unknown >= 0) writer.Add("tokenizer.ggml.unknown_token_id", (uint)unknown);
        writer.Add("tokenizer.ggml.add_bos_token", config.BosTokenId is not null);
        writer.Add("tokenizer.ggml.add_eos_token", false);
        if (vocabulary.Model == "llama") writer.Add("tokenizer.ggml.add_space_prefix", vocabulary.AddSpacePrefix);
        if (chatTemplate is not null) writer.Add("tokenizer.chat_template", chatTemplate);
    }
}
