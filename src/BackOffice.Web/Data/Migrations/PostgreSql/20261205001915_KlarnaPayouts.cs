using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class KlarnaPayouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KlarnaPayouts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    PaymentReference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PayoutDate = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    SaleAmount = table.Column<long>(type: "bigint", nullable: false),
                    ReturnAmount = table.Column<long>(type: "bigint", nullable: false),
                    FeeAmount = table.Column<long>(type: "bigint", nullable: false),
                    HoldbackAmount = table.Column<long>(type: "bigint", nullable: false),
                    SettlementAmount = table.Column<long>(type: "bigint", nullable: false),
                    ImportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaPayouts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaPayouts_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "KlarnaPayoutLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PayoutId = table.Column<int>(type: "integer", nullable: false),
                    Type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    OrderId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    CaptureId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    RefundId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Match = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TransactionId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaPayoutLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaPayoutLines_KlarnaPayouts_PayoutId",
                        column: x => x.PayoutId,
                        principalTable: "KlarnaPayouts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_CaptureId",
                table: "KlarnaPayoutLines",
                column: "CaptureId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_PayoutId",
                table: "KlarnaPayoutLines",
                column: "PayoutId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayoutLines_RefundId",
                table: "KlarnaPayoutLines",
                column: "RefundId");

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayouts_ChannelId_PaymentReference",
                table: "KlarnaPayouts",
                columns: new[] { "ChannelId", "PaymentReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaPayouts_ChannelId_PayoutDate",
                table: "KlarnaPayouts",
                columns: new[] { "ChannelId", "PayoutDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KlarnaPayoutLines");

            migrationBuilder.DropTable(
                name: "KlarnaPayouts");
        }
    }
}
