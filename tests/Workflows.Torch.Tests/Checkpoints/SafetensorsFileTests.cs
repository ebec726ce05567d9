using System.Text;
using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Checkpoints;

public class SafetensorsFileTests
{
    private static string RealModel => Path.Combine(SharedAssets.Stories260K, "model.safetensors");

    [Test]
    public void Open_RealModel_ListsEveryTensorWithShapes()
    {
        using var file = SafetensorsFile.Open(RealModel);
        Assert.That(file.Tensors, Has.Count.EqualTo(47));
        Assert.That(file.Metadata["format"], Is.EqualTo("pt"));
        Assert.That(file.Find("model.layers.0.self_attn.k_proj.weight")!.Shape, Is.EqualTo(new long[] { 32, 64 }));
        Assert.That(file.Find("model.embed_tokens.weight")!.Dtype, Is.EqualTo(SafetensorsDtype.F32));
    }

    [Test]
    public void Write_RealModelReadBack_IsByteIdentical()
    {
        using var folder = new TemporaryFolder();
        using var file = SafetensorsFile.Open(RealModel);
        var tensors = file.Names.Select(n => new KeyValuePair<string, Tensor>(n, file.Read(n))).ToList();
        SafetensorsWriter.Write(folder.File("copy.safetensors"), tensors, file.Metadata);
        Assert.That(File.ReadAllBytes(folder.File("copy.safetensors")), Is.EqualTo(File.ReadAllBytes(RealModel)));
    }

    [TestCase(ScalarType.Float32, SafetensorsDtype.F32)]
    [TestCase(ScalarType.BFloat16, SafetensorsDtype.BF16)]
    [TestCase(ScalarType.Float16, SafetensorsDtype.F16)]
    [TestCase(ScalarType.Int64, SafetensorsDtype.I64)]
    [TestCase(ScalarType.Int32, SafetensorsDtype.I32)]
    [TestCase(ScalarType.Byte, SafetensorsDtype.U8)]
    public void Read_WrittenTensor_RoundTripsBytesAndDtype(ScalarType type, SafetensorsDtype expected)
    {
        using var folder = new TemporaryFolder();
        using var original = (arange(0, 24, 1, ScalarType.Float32) * 1.25 - 7).to_type(type).view(2, 3, 4);
        SafetensorsWriter.Write(folder.File("t.safetensors"), [new("x", original)]);

        using var file = SafetensorsFile.Open(folder.File("t.safetensors"));
        using var read = file.Read("x");
        Assert.That(file.Find("x")!.Dtype, Is.EqualTo(expected));
        Assert.That(read.shape, Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(read.bytes.ToArray(), Is.EqualTo(original.bytes.ToArray()));
    }

    [Test]
    public void Write_Twice_GivesSameBytes()
    {
        using var folder = new TemporaryFolder();
        using var a = randn(5, 7);
        using var b = randn(3).to_type(ScalarType.BFloat16);
        SafetensorsWriter.Write(folder.File("1.safetensors"), [new("b", b), new("a", a)], new Dictionary<string, string> { ["k"] = "v" });
        using (var first = SafetensorsFile.Open(folder.File("1.safetensors")))
        {
            SafetensorsWriter.Write(folder.File("2.safetensors"), first.Names.Select(n => new KeyValuePair<string, Tensor>(n, first.Read(n))), first.Metadata);
        }

        Assert.That(File.ReadAllBytes(folder.File("2.safetensors")), Is.EqualTo(File.ReadAllBytes(folder.File("1.safetensors"))));
    }

    [Test]
    public void Open_MissingFile_NamesThePath()
    {
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open("/nonexistent/model.safetensors"));
        Assert.That(error.Message, Does.StartWith("/nonexistent/model.safetensors: ").And.Contain("not found"));
    }

    [Test]
    public void Open_ShorterThanLengthPrefix_ReportsTruncated()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("short.safetensors"), [1, 2, 3]);
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("short.safetensors")));
        Assert.That(error.Message, Does.Contain("short.safetensors").And.Contain("truncated"));
    }

    [Test]
    public void Open_HeaderCutShort_ReportsCorruptOrTruncated()
    {
        using var folder = new TemporaryFolder();
        var bytes = File.ReadAllBytes(RealModel).AsSpan(0, 1000).ToArray();
        File.WriteAllBytes(folder.File("cut.safetensors"), bytes);
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("cut.safetensors")));
        Assert.That(error.Message, Does.Contain("cut.safetensors").And.Contain("truncated safetensors header"));
    }

    [Test]
    public void Open_DataCutShort_ReportsOffsetsOutsideData()
    {
        using var folder = new TemporaryFolder();
        var bytes = File.ReadAllBytes(RealModel);
        File.WriteAllBytes(folder.File("cut.safetensors"), bytes.AsSpan(0, bytes.Length - 100).ToArray());
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("cut.safetensors")));
        Assert.That(error.Message, Does.Contain("data_offsets lie outside"));
    }

    [Test]
    public void Open_HeaderNotJson_ReportsCorrupt()
    {
        using var folder = new TemporaryFolder();
        WriteRaw(folder.File("bad.safetensors"), "{\"x\": {\"dtype\": ", []);
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("bad.safetensors")));
        Assert.That(error.Message, Does.Contain("bad.safetensors").And.Contain("corrupt safetensors header"));
    }

    [Test]
    public void Open_UnsupportedDtype_NamesDtypeAndTensor()
    {
        using var folder = new TemporaryFolder();
        WriteRaw(folder.File("fp8.safetensors"), "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", [0, 0]);
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("fp8.safetensors")));
        Assert.That(error.Message, Does.Contain("'w'").And.Contain("unsupported dtype 'F8_E4M3'"));
    }

    [Test]
    public void Open_SizeDisagreesWithShape_ReportsCorrupt()
    {
        using var folder = new TemporaryFolder();
        WriteRaw(folder.File("odd.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        var error = Expect.Failure<ModelLoadException>(() => SafetensorsFile.Open(folder.File("odd.safetensors")));
        Assert.That(error.Message, Does.Contain("'w' spans 8 bytes"));
    }

    private static void WriteRaw(string path, string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        stream.Write(data);
    }
}
