using System.Security.Cryptography;
using BackOffice.Web.Features.KlarnaRest;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Three 3,072-bit pairs made once per test process, on first use, and handed out in turn to every app of the process:
/// making a pair took a tenth of the web tests' CPU. Keys made one after another differ, in one app or in two on one
/// database, as long as a test makes three at most.
/// </summary>
public sealed class VirtualCardKeysMadeAhead : VirtualCardKeyGenerator
{
    private static readonly Lazy<byte[][]> Pairs = new(() =>
        [.. Enumerable.Range(0, 3).AsParallel().AsOrdered().Select(_ =>
        {
            using var rsa = RSA.Create(VirtualCardKeys.KeyBits);
            return rsa.ExportPkcs8PrivateKey();
        })]);

    private static int handedOut;

    public override RSA Generate()
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Pairs.Value[(Interlocked.Increment(ref handedOut) - 1) % Pairs.Value.Length], out _);
        return rsa;
    }
}
