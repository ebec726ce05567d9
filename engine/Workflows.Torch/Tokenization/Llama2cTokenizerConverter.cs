using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// Turns a llama2.c tokenizer export (<c>tok512.bin</c>, <c>tokenizer.bin</c>: int32 max token
/// length, then per token float32 score, int32 length, UTF-8 bytes) back into a SentencePiece
/// model, so Microsoft.ML.Tokenizers' LlamaTokenizer can load it. The export wrote '▁' as ' ' and
/// &lt;s&gt;/&lt;/s&gt; as "\n&lt;s&gt;\n"; both are undone. The normaliser matches llama2.c's own encoder:
/// a dummy prefix space, no whitespace collapsing, byte fallback for unknown characters.
/// </summary>
internal static partial class Llama2cTokenizerConverter
{
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;
    private const int Byte = 6;

    public static byte[] ToSentencePieceModel(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pieces = new List<(string Piece, float Score)>();
        var offset = 4;                                                     // max_token_length, unused
        while (offset < bytes.Length)
        {
            if (offset + 8 > bytes.Length)
            {
                throw new ModelLoadException($"{path}: truncated llama2.c tokenizer (token {pieces.Count} is cut off)");
            }

            var score = BitConverter.ToSingle(bytes, offset);
            var length = BitConverter.ToInt32(bytes, offset + 4);
            if (length < 0 || offset + 8 + length > bytes.Length)
            {
                throw new ModelLoadException($"{path}: truncated or corrupt llama2.c tokenizer (token {pieces.Count} claims {length} bytes)");
            }

            pieces.Add((Encoding.UTF8.GetString(bytes, offset + 8, length), score));
            offset += 8 + length;
        }

        if (pieces.Count < 3)
        {
            throw new ModelLoadException($"{path}: not a llama2.c tokenizer (only {pieces.Count} tokens)");
        }

        var model = new ProtoWriter();
        for (var id = 0; id < pieces.Count; id++)
        {
            var (text, score) = pieces[id];
            var (piece, type) = id switch
            {
                0 => ("<unk>", Unknown),
                1 => ("<s>", Control),
                2 => ("</s>", Control),
                _ when BytePiece().IsMatch(text) => (text, Byte),
                _ => (text.Replace(' ', '\u2581'), Normal),
            };
            var entry = new ProtoWriter().String(1, piece).Float(2, score).Varint(3, type);
            model.Message(1, entry);
        }

        var trainer = new ProtoWriter()
            .Varint(3, 2)                                                  // model_type BPE
            .Varint(4, pieces.Count)                                       // vocab_size
            .Varint(35, 1)                                                 // byte_fallback
            .Varint(40, 0).Varint(41, 1).Varint(42, 2).Varint(43, -1)      // unk, bos, eos, pad ids
            .String(45, "<unk>").String(46, "<s>").String(47, "</s>").String(48, "<pad>");
        var normalizer = new ProtoWriter()
            .String(1, "identity")
            .Varint(3, 1)                                                  // add_dummy_prefix
            .Varint(4, 0)                                                  // remove_extra_whitespaces
            .Varint(5, 1);                                                 // escape_whitespaces
        return model.Message(2, trainer).Message(3, normalizer).ToArray();
    }

    [GeneratedRegex("^<0x[0-9A-F]{2}>$")]
    private static partial Regex BytePiece();
}
