namespace BackOffice.KlarnaRest.Tests;

/// <summary>
/// Klarna's own examples, copied from the digests (<c>../shared/klarna-rest/</c>), with the sources named there. Where
/// the source's JSON is broken (a missing brace or comma, a trailing comma), the one fix is said beside it.
/// </summary>
internal static class Verbatim
{
    /// <summary>ORDER-MANAGEMENT.md §6.1 (D-VC); the source misses the <c>}</c> closing the capture, added here.</summary>
    public const string CapturedOrder = """
        {
          "order_id": "7849fd84-47dc-4919-a7ce-xxxxxxxxxx",
          "status": "CAPTURED",
          "fraud_status": "ACCEPTED",
          "order_amount": 200,
          "original_order_amount": 200,
          "captured_amount": 200,
          "refunded_amount": 0,
          "remaining_authorized_amount": 0,
          "purchase_currency": "PLN",
          "locale": "pl-PL",
          "order_lines": [
            {
              "reference": "",
              "type": "physical",
              "quantity": 1,
              "quantity_unit": "",
              "name": "dress",
              "total_amount": 200,
              "unit_price": 200,
              "total_discount_amount": 0,
              "tax_rate": 0,
              "total_tax_amount": 0
            }
          ],
          "klarna_reference": "20S0XXXX",
          "billing_address": {
            "given_name": "Test",
            "family_name": "Person-pl",
            "title": "",
            "street_address": "Ul. Górczewska 124",
            "street_address2": "",
            "postal_code": "01-460",
            "city": "Warszawa",
            "region": "",
            "country": "PL",
            "email": "customer@email.pl",
            "phone": "+48795222223"
          },
          "created_at": "2022-07-08T09:48:16.680Z",
          "purchase_country": "PL",
          "expires_at": "2022-08-05T00:00:00.000Z",
          "captures": [
            {
              "capture_id": "32904e4c-61d2-400e-9b77-XXXXXX",
              "klarna_reference": "20S0XXXX-1",
              "captured_amount": 200,
              "captured_at": "2022-07-08T09:48:17.738Z",
              "description": "",
              "order_lines": [],
              "refunded_amount": 0,
              "billing_address": {
                "given_name": "Test",
                "family_name": "Person-pl",
                "title": "",
                "street_address": "Ul. Górczewska 124",
                "street_address2": "",
                "postal_code": "01-460",
                "city": "Warszawa",
                "region": "",
                "country": "PL",
                "email": "customer@email.pl",
                "phone": "+48795222223"
              }
            }
          ],
          "refunds": [],
          "initial_payment_method": {
            "type": "INVOICE",
            "description": "Pay later"
          }
        }
        """;

    /// <summary>§6.1 (D-VC).</summary>
    public const string InvalidOrderId = """
        {
          "error_code": "INVALID_ORDER_ID",
          "error_messages": [
            "Order ID must be a valid UUID."
          ],
          "correlation_id": "dd482985-2e0f-415d-9f30-74ce93e7e68e"
        }
        """;

    /// <summary>§6.10 (D-CT), a full capture with shipping info.</summary>
    public const string FullCapture = """
        {
          "captured_amount": 6000,
          "reference": "c9a94cf1-7126-4f55-92fa-4d34f416ed7f",
          "description": "Shipped the full order",
          "order_lines": [
            {
              "type": "physical",
              "reference": "123050",
              "name": "Tomatoes",
              "quantity": 10,
              "quantity_unit": "kg",
              "unit_price": 600,
              "tax_rate": 2500,
              "total_amount": 6000,
              "total_tax_amount": 1200
            }
          ],
          "shipping_info": [
            {
              "shipping_company": "DHL US",
              "tracking_number": "1234567890",
              "return_shipping_company": "UPS",
              "return_tracking_number": "112233445566778899"
            }
          ]
        }
        """;

    /// <summary>§6.10, a real 403 (krokedil/klarna-checkout-for-woocommerce #585).</summary>
    public const string CaptureNotAllowed = """
        { "error_code": "CAPTURE_NOT_ALLOWED", "error_messages": [ "Captured amount is higher than the remaining authorized amount. Capture not possible." ], "correlation_id": "XXX" }
        """;

    /// <summary>§6.16 (D-RF), a refund with a return fee.</summary>
    public const string RefundWithReturnFee = """
        {
        "refunded_amount": 9500,
        "reference": "1786c73b-a2be-4d42-a9f7-ff1c4bca5ccc",
        "description": "Description of the refund shown to the customer",
        "order_lines": [
        {
        "name": "T-Shirt",
        "type": "physical",
        "quantity": 1,
        "unit_price": 10000,
        "total_amount": 10000
        },
        {
        "name": "Return fee",
        "type": "return_fee",
        "quantity": 1,
        "unit_price": -500,
        "total_amount": -500
        }
        ]
        }
        """;

    /// <summary>§6.7 (D-VC).</summary>
    public const string CancelNotAllowed = """
        {
          "error_code": "CANCEL_NOT_ALLOWED",
          "error_messages": [
            "Order has previous captures. Cancel not possible."
          ],
          "correlation_id": "95ccbcb1-8963-4569-b721-1a354"
        }
        """;

    /// <summary>§6.3 (D-VC).</summary>
    public const string UpdateAuthorization = """
        {
          "order_amount": 6000,
          "description": "",
          "order_lines": [
            {
              "type": "physical",
              "reference": "123050",
              "name": "Tomatoes",
              "quantity": 10,
              "quantity_unit": "kg",
              "unit_price": 600,
              "tax_rate": 2500,
              "total_amount": 6000,
              "total_tax_amount": 1200
            }
          ]
        }
        """;

    /// <summary>PAYMENTS.md §4.1 (D-S1), a one-time session.</summary>
    public const string OneTimeSession = """
        {
        "acquiring_channel": "ECOMMERCE",
        "intent": "buy",
        "purchase_country": "SE",
        "purchase_currency": "SEK",
        "locale": "en-SE",
        "order_amount": 9500,
        "order_tax_amount": 1900,
        "order_lines": [
        {
        "type": "physical",
        "reference": "19-402",
        "name": "Battery Power Pack",
        "quantity": 1,
        "unit_price": 10000,
        "tax_rate": 2500,
        "total_amount": 9500,
        "total_discount_amount": 500,
        "total_tax_amount": 1900,
        "image_url": "https://www.exampleobjects.com/logo.png",
        "product_url": "https://www.estore.com/products/f2a8d7e34"
        }
        ],
        "merchant_urls": {
        "authorization": "https://example.com/authorization_callbacks"
        }
        }
        """;

    /// <summary>§4.1 (D-S1); the source misses the comma after <c>"klarna"</c>, added here.</summary>
    public const string Session = """
        {
        "session_id": "068df369-13a7-4d47-a564-62f8408bb760",
        "client_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6IjAwMDAwMDAwMDAtMDAwMDAtMDAwMC0wMDAwMDAwMC0wMDAwIiwidXJsIjoiaHR0cHM6Ly9jcmVkaXQtZXUua2xhcm5hLmNvbSJ9.A_rHWMSXQN2NRNGYTREBTkGwYwtm-sulkSDMvlJL87M",
        "payment_method_categories": [
        {
        "identifier": "klarna",
        "name" : "Pay with Klarna",
        "asset_urls" : {
        "descriptive" : "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg",
        "standard" : "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg"
        }
        }
        ]
        }
        """;

    /// <summary>§5.1 (D-S3).</summary>
    public const string PendingOrder = """
        {
        "order_id": "3eaeb557-5e30-47f8-b840-b8d987f5945d",
        "redirect_url": "https://payments.klarna.com/redirect/...",
        "fraud_status": "PENDING",
        "authorized_payment_method":"invoice"
        }
        """;

    /// <summary>§3.1, a real 400 pretty-printed with <c>" : "</c> (woocommerce/woocommerce #51256).</summary>
    public const string BadOrderAmount = "{\n  \"correlation_id\" : \"66181317-4d63-46f7-b985-ff8239df25dd\",\n  \"error_code\" : \"BAD_VALUE\",\n  \"error_messages\" : [ \"Bad value: order_amount\" ]\n}";
}
