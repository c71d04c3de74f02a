using System.Security.Cryptography;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Makes the RSA pair of a new virtual card key. A service of its own because making one takes most of a second of CPU:
/// the tests, which make dozens, hand out pairs made ahead instead.
/// </summary>
public class VirtualCardKeyGenerator
{
    public virtual RSA Generate() => RSA.Create(VirtualCardKeys.KeyBits);
}
