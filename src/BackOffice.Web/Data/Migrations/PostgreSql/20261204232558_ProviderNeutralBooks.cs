using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ProviderNeutralBooks : Migration
    {
        /// <summary>
        /// One merchant string for every provider (a legacy eid as its digits, a Computop MerchantID as it is), kept
        /// from the two columns it replaces.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "Merchant", table: "Transactions", type: "character varying(30)", maxLength: 30, nullable: false, defaultValue: "");
            migrationBuilder.Sql("UPDATE \"Transactions\" SET \"Merchant\" = COALESCE(\"ProviderMerchantId\", CAST(\"MerchantId\" AS text));");
            migrationBuilder.DropColumn(name: "MerchantId", table: "Transactions");
            migrationBuilder.DropColumn(name: "ProviderMerchantId", table: "Transactions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(name: "MerchantId", table: "Transactions", type: "integer", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<string>(name: "ProviderMerchantId", table: "Transactions", type: "character varying(30)", maxLength: 30, nullable: true);
            migrationBuilder.Sql("UPDATE \"Transactions\" SET \"MerchantId\" = CAST(\"Merchant\" AS integer) WHERE \"Service\" IN ('Invoice', 'Installments');");
            migrationBuilder.Sql("UPDATE \"Transactions\" SET \"ProviderMerchantId\" = \"Merchant\" WHERE \"Service\" NOT IN ('Invoice', 'Installments');");
            migrationBuilder.DropColumn(name: "Merchant", table: "Transactions");
        }
    }
}
