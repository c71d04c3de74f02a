using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna;

/// <summary>The shared-secret signature: Base64(SHA-512(Latin-1(fields joined by ':'))), empty fields dropped.</summary>
public static class KlarnaDigest
{
    public static string Of(params IEnumerable<string?> fields) =>
        Sha512(string.Join(':', fields.Where(f => !string.IsNullOrEmpty(f))));

    public static string Sha512(string text) => Convert.ToBase64String(SHA512.HashData(Encoding.Latin1.GetBytes(text)));

    /// <summary>The checkout-service form of the seed document; the sandbox accepts it besides SHA-512.</summary>
    public static string Sha256(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.Latin1.GetBytes(text)));

    private static readonly string[] ActivateSignedFields =
        ["bclass", "cust_no", "flags", "ocr", "orderid1", "orderid2", "reference", "reference_code"];

    private static readonly string[] UpdateSignedAddressFields = ["careof", "street", "zip", "city", "country", "fname", "lname"];

    /// <summary>True when <paramref name="digest"/> is the SHA-512 or SHA-256 digest of <paramref name="text"/>.</summary>
    public static bool Matches(string digest, string text) =>
        FixedTimeEquals(digest, Sha512(text)) || FixedTimeEquals(digest, Sha256(text));

    /// <summary>The plain text each method signs (before hashing); the client and the sandbox share these.</summary>
    public static class Text
    {
        public static string Join(params IEnumerable<string?> fields) => string.Join(':', fields.Where(f => !string.IsNullOrEmpty(f)));

        /// <summary>
        /// activate signs the protocol version (with ':' for '.'), the client version, eid, rno, the optional_info
        /// fields it carries in a fixed order, shipment_info's delay_adjust when set (Klarna's PHP client always sends
        /// shipment_info), then <c>artno:qty</c> per article, then the secret.
        /// </summary>
        public static string Activate(string protocolVersion, string clientVersion, int eid, string rno,
            IReadOnlyDictionary<string, object> optionalInfo, string secret)
        {
            var fields = new List<string?> { protocolVersion.Replace('.', ':'), clientVersion, eid.ToString(CultureInfo.InvariantCulture), rno };
            foreach (var key in ActivateSignedFields)
            {
                if (optionalInfo.TryGetValue(key, out var value))
                    fields.Add(XmlRpcConvert.ToText(value));
            }
            if (optionalInfo.TryGetValue("shipment_info", out var shipment) && XmlRpcConvert.ToStruct(shipment).TryGetValue("delay_adjust", out var delay))
                fields.Add(XmlRpcConvert.ToText(delay));
            if (optionalInfo.TryGetValue("artnos", out var articles))
            {
                foreach (var article in XmlRpcConvert.ToArray(articles).Select(XmlRpcConvert.ToStruct))
                    fields.Add($"{XmlRpcConvert.ToText(article["artno"])}:{XmlRpcConvert.ToInt32(article["qty"])}");
            }
            fields.Add(secret);
            return Join(fields);
        }

        /// <summary>
        /// update signs (as Klarna's PHP client does) the protocol version with ':', the client version, eid, rno, then
        /// careof, street, zip, city, country, fname, lname of the delivery and then the billing address (those set),
        /// then per goods line its artno (or title without one) and qty, then orderid1, orderid2 and the secret.
        /// </summary>
        public static string Update(string protocolVersion, string clientVersion, int eid, string rno,
            IReadOnlyDictionary<string, object> shipping, IReadOnlyDictionary<string, object> billing, IReadOnlyList<object> goods,
            string orderId1, string orderId2, string secret)
        {
            var fields = new List<string?> { protocolVersion.Replace('.', ':'), clientVersion, eid.ToString(CultureInfo.InvariantCulture), rno };
            foreach (var address in new[] { shipping, billing })
            {
                foreach (var key in UpdateSignedAddressFields)
                    fields.Add(address.TryGetValue(key, out var value) ? XmlRpcConvert.ToText(value) : null);
            }
            foreach (var item in goods.Select(XmlRpcConvert.ToStruct))
            {
                var article = XmlRpcConvert.ToStruct(item["goods"]);
                var artno = article.TryGetValue("artno", out var a) ? XmlRpcConvert.ToText(a) : "";
                fields.Add(artno.Length > 0 ? artno : article.TryGetValue("title", out var t) ? XmlRpcConvert.ToText(t) : "");
                fields.Add(XmlRpcConvert.ToInt32(item["qty"]).ToString(CultureInfo.InvariantCulture));
            }
            fields.AddRange([orderId1, orderId2, secret]);
            return Join(fields);
        }

        /// <summary>credit_part concatenates rather than joins: <c>eid:invno:</c> (<c>artno:qty:</c>)* secret.</summary>
        public static string CreditPart(int eid, string invoiceNumber, IEnumerable<ArticleQuantity> articles, string secret)
        {
            var text = new StringBuilder().Append(eid).Append(':').Append(invoiceNumber).Append(':');
            foreach (var article in articles)
                text.Append(article.ArticleNumber).Append(':').Append(article.Quantity).Append(':');
            return text.Append(secret).ToString();
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
