using System.Text;
using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>Unicode NFC, the normalizer Qwen's tokenizers declare (composed and decomposed "é" encode alike).</summary>
internal sealed class NfcNormalizer : Normalizer
{
    public static readonly NfcNormalizer Instance = new();

    public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}
