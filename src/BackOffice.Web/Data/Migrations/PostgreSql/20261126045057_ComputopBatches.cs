using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ComputopBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BatchId",
                table: "Operations",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ComputopBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    MerchantId = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FileName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FileText = table.Column<string>(type: "text", nullable: true),
                    ExportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ExportedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    RecordCount = table.Column<int>(type: "integer", nullable: false),
                    Sum = table.Column<long>(type: "bigint", nullable: false),
                    SettledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SettledBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComputopBatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ComputopBatches_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Operations_BatchId",
                table: "Operations",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_ComputopBatches_ChannelId_State",
                table: "ComputopBatches",
                columns: new[] { "ChannelId", "State" });

            migrationBuilder.AddForeignKey(
                name: "FK_Operations_ComputopBatches_BatchId",
                table: "Operations",
                column: "BatchId",
                principalTable: "ComputopBatches",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Operations_ComputopBatches_BatchId",
                table: "Operations");

            migrationBuilder.DropTable(
                name: "ComputopBatches");

            migrationBuilder.DropIndex(
                name: "IX_Operations_BatchId",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "BatchId",
                table: "Operations");
        }
    }
}
