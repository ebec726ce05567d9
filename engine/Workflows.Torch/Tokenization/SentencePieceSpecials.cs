using Google.Protobuf;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// The control and user-defined pieces of a SentencePiece <c>.model</c> (Mistral v3's
/// <c>[INST]</c>, <c>[/INST]</c>, <c>[TOOL_CALLS]</c>…, Llama 2's <c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c>), so they
/// encode to their ids when a chat template writes them instead of being spelled out piece by piece.
/// Microsoft.ML.Tokenizers keeps its protobuf types internal; this reads the few fields it needs.
/// </summary>
internal static class SentencePieceSpecials
{
    private const int Control = 3;
    private const int UserDefined = 4;

    public static IReadOnlyDictionary<string, int> Read(byte[] model)
    {
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        var input = new CodedInputStream(model);
        var id = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)                 // ModelProto.pieces
            {
                input.SkipLastField();
                continue;
            }

            var (piece, type) = ReadPiece(input.ReadBytes());
            if (type is Control or UserDefined)
            {
                special[piece] = id;
            }

            id++;
        }

        return special;
    }

    private static (string Piece, int Type) ReadPiece(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var piece = "";
        var type = 1;                                                   // NORMAL when absent
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: piece = input.ReadString(); break;
                case 3: type = input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (piece, type);
    }
}
