namespace BackOffice.Klarna.Tests;

public sealed class KlarnaDigestTests
{
    [Theory]
    [InlineData("1:foo:bar", "+mhT3NFF3HrvsBledhMRa98+H+1ES5JSVzL8YoWGr8LHosHgtqY2kJJ5fRHYI7AEKAig7EaanDv9ZGyHXTN8Kw==")]
    [InlineData("1395:2359889920:secret", "VIkW5Mwat5B7CavfDqGscVVjrFDctuYYYO+t7iEAM0/PxhxHqGu3rlxLrxmbB5PktEXyWruf3hJkigcXWWouXg==")]
    public void Sha512_matches_the_protocol_vectors(string text, string digest)
    {
        Assert.Equal(digest, KlarnaDigest.Sha512(text));
        Assert.Equal(88, digest.Length);
    }

    [Fact]
    public void Sha256_matches_the_seed_vector()
    {
        Assert.Equal("hSLlPa0/v1LGzX09//oXyNFVpDU4fJEzGgmgPrevJd4=", KlarnaDigest.Sha256("1395:EUR:secret"));
    }

    [Fact]
    public void Empty_fields_are_dropped_before_joining()
    {
        Assert.Equal(KlarnaDigest.Sha512("1:foo:bar"), KlarnaDigest.Of("1", "", "foo", null, "bar"));
    }

    [Fact]
    public void Matches_accepts_sha512_and_sha256_and_nothing_else()
    {
        Assert.True(KlarnaDigest.Matches(KlarnaDigest.Sha512("1395:EUR:secret"), "1395:EUR:secret"));
        Assert.True(KlarnaDigest.Matches("hSLlPa0/v1LGzX09//oXyNFVpDU4fJEzGgmgPrevJd4=", "1395:EUR:secret"));
        Assert.False(KlarnaDigest.Matches(KlarnaDigest.Sha512("1395:EUR:other"), "1395:EUR:secret"));
        Assert.False(KlarnaDigest.Matches("", "1395:EUR:secret"));
    }

    [Fact]
    public void Latin1_text_is_hashed_as_latin1()
    {
        Assert.Equal(
            Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData([0x31, 0x3A, 0xE5])),
            KlarnaDigest.Sha512("1:å"));
    }

    [Fact]
    public void Credit_part_concatenates_articles_with_a_trailing_colon_each()
    {
        var text = KlarnaDigest.Text.CreditPart(1395, "4151", [new("A1", 2), new("B2", 1)], "secret");

        Assert.Equal("1395:4151:A1:2:B2:1:secret", text);
    }

    [Fact]
    public void Activate_signs_versions_ids_optional_fields_in_order_then_articles()
    {
        var optionalInfo = new Dictionary<string, object>
        {
            ["reference"] = "ref",
            ["flags"] = 2,
            ["orderid1"] = "o1",
            ["artnos"] = new List<object>
            {
                new Dictionary<string, object> { ["artno"] = "A1", ["qty"] = 2 },
                new Dictionary<string, object> { ["artno"] = "B2", ["qty"] = 1 },
            },
        };

        var text = KlarnaDigest.Text.Activate("4.1", "xmlrpc:inapp:4.1", 2728, "2359889900", optionalInfo, "secret");

        Assert.Equal("4:1:xmlrpc:inapp:4.1:2728:2359889900:2:o1:ref:A1:2:B2:1:secret", text);
    }
}
