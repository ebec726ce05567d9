using System.Text;

namespace Workflows.Torch.Gguf;

/// <summary>
/// Builds a GGUF v3 file (ggml's docs/gguf.md): header, metadata in the order added, tensor infos,
/// then tensor data, each piece aligned to <see cref="Alignment"/> bytes. Nothing depends on the
/// clock or on hashing, so the same content always gives the same bytes.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>GGUF's default alignment (<c>general.alignment</c> is not written, so readers use it).</summary>
    public const int Alignment = 32;

    private readonly List<(string Key, Action<BinaryWriter> Value)> _metadata = [];
    private readonly List<(string Name, long[] Shape, GgufTensorType Type, byte[] Data)> _tensors = [];

    /// <summary>Adds a string value.</summary>
    public GgufWriter Add(string key, string value) => Put(key, w => { w.Write((uint)GgufValueType.String); WriteString(w, value); });

    /// <summary>Adds an unsigned 32-bit value.</summary>
    public GgufWriter Add(string key, uint value) => Put(key, w => { w.Write((uint)GgufValueType.UInt32); w.Write(value); });

    /// <summary>Adds a 32-bit float value.</summary>
    public GgufWriter Add(string key, float value) => Put(key, w => { w.Write((uint)GgufValueType.Float32); w.Write(value); });

    /// <summary>Adds a boolean value.</summary>
    public GgufWriter Add(string key, bool value) => Put(key, w => { w.Write((uint)GgufValueType.Bool); w.Write(value); });

    /// <summary>Adds an array of strings.</summary>
    public GgufWriter Add(string key, IReadOnlyList<string> values) =>
        Array(key, GgufValueType.String, values.Count, w => { foreach (var v in values) WriteString(w, v); });

    /// <summary>Adds an array of 32-bit floats.</summary>
    public GgufWriter Add(string key, IReadOnlyList<float> values) =>
        Array(key, GgufValueType.Float32, values.Count, w => { foreach (var v in values) w.Write(v); });

    /// <summary>Adds an array of signed 32-bit integers.</summary>
    public GgufWriter Add(string key, IReadOnlyList<int> values) =>
        Array(key, GgufValueType.Int32, values.Count, w => { foreach (var v in values) w.Write(v); });

    /// <summary>Adds a tensor. <paramref name="shape"/> is in PyTorch order (outermost first); the file
    /// stores ggml's order (innermost first). <paramref name="data"/> is already encoded as <paramref name="type"/>.</summary>
    public GgufWriter AddTensor(string name, long[] shape, GgufTensorType type, byte[] data)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (GgufQuantizer.ByteCount(type, count) != data.Length)
            throw new ArgumentException($"tensor {name}: {data.Length} bytes do not hold {count} values of {type}");
        _tensors.Add((name, shape, type, data));
        return this;
    }

    /// <summary>Writes the file (replacing any file at <paramref name="path"/>).</summary>
    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            value(w);
        }

        var offset = 0L;
        foreach (var (name, shape, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)shape.Length);
            foreach (var dim in shape.Reverse()) w.Write((ulong)dim);
            w.Write((uint)type);
            w.Write((ulong)offset);
            offset = Align(offset + data.Length);
        }

        Pad(w);
        foreach (var (_, _, _, data) in _tensors)
        {
            w.Write(data);
            Pad(w);
        }
    }

    private GgufWriter Put(string key, Action<BinaryWriter> value)
    {
        if (_metadata.Any(m => m.Key == key)) throw new ArgumentException($"metadata key {key} added twice");
        _metadata.Add((key, value));
        return this;
    }

    private GgufWriter Array(string key, GgufValueType type, int count, Action<BinaryWriter> values) => Put(key, w =>
    {
        w.Write((uint)GgufValueType.Array);
        w.Write((uint)type);
        w.Write((ulong)count);
        values(w);
    });

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        w.Flush();
        var position = w.BaseStream.Position;
        for (var i = position; i < Align(position); i++) w.Write((byte)0);
    }
}
