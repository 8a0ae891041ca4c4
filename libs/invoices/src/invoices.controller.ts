import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Idempotent } from '@gateway/idempotency';
import { Actor, CurrentActor } from '@gateway/identity';
import type { Response } from 'express';
import { CreateCreditNoteDto } from './dto/create-credit-note.dto';
import { GenerateInvoiceDto } from './dto/generate-invoice.dto';
import { ListInvoicesQuery } from './dto/list-invoices.query';
import { Readable } from 'node:stream';
import { ExportInvoicesQuery } from './dto/export-invoices.query';
import { RecordPaymentDto } from './dto/record-payment.dto';
import {
  CreditNoteWriter,
  DeliveryRetrier,
  InvoiceIssuer,
  InvoiceReader,
  PaymentRecorder,
} from './invoices-permissions';
import { InvoicesService } from './invoices.service';
import { InvoicePageView, InvoiceRequestView, InvoiceView } from './views/invoice.view';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @InvoiceReader()
  @Get()
  @ApiOperation({ summary: 'Issued invoices and credit notes, newest first' })
  @ApiOkResponse({ type: InvoicePageView })
  list(@CurrentActor() actor: Actor, @Query() query: ListInvoicesQuery): Promise<InvoicePageView> {
    return this.invoices.list(actor, query);
  }

  @InvoiceIssuer()
  @Post('generate')
  @Idempotent()
  @ApiOperation({
    summary: 'Issue a closed period’s invoice now (the worker does it; the id is known at once)',
  })
  @ApiOkResponse({ type: InvoiceRequestView, description: 'already issued: `invoice` is set' })
  @ApiAcceptedResponse({ type: InvoiceRequestView, description: 'queued: poll GET /api/invoices/{id}' })
  async generate(
    @CurrentActor() actor: Actor,
    @Body() dto: GenerateInvoiceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InvoiceRequestView> {
    const result = await this.invoices.generate(actor, dto);
    res.status(result.status === 'issued' ? HttpStatus.OK : HttpStatus.ACCEPTED);
    return result;
  }

  @InvoiceReader()
  @Get(':id')
  @ApiOkResponse({ type: InvoiceView })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<InvoiceView> {
    return this.invoices.get(actor, id);
  }

  @CreditNoteWriter()
  @Post(':id/credit-note')
  @Idempotent()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Correct an issued invoice with a credit note (the worker issues it; the id is known at once)',
  })
  @ApiAcceptedResponse({ type: InvoiceRequestView, description: 'queued: poll GET /api/invoices/{id}' })
  creditNote(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: CreateCreditNoteDto,
  ): Promise<InvoiceRequestView> {
    return this.invoices.creditNote(actor, id, dto);
  }

  @PaymentRecorder()
  @Post(':id/payments')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Record a payment received for an invoice (a bank transfer); the status follows' })
  @ApiCreatedResponse({ type: InvoiceView })
  recordPayment(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: RecordPaymentDto,
  ): Promise<InvoiceView> {
    return this.invoices.recordPayment(actor, id, dto);
  }

  @DeliveryRetrier()
  @Post(':id/deliveries')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Email an invoice again after its delivery was skipped or failed (queued)' })
  @ApiAcceptedResponse({ type: InvoiceView })
  resend(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<InvoiceView> {
    return this.invoices.resend(actor, id);
  }

  @InvoiceReader()
  @Get(':id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The invoice as a PDF (409 invoice_pdf_pending while the worker renders it)',
  })
  async pdf(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<StreamableFile> {
    const { filename, content } = await this.invoices.pdf(actor, id);
    return new StreamableFile(content, {
      type: 'application/pdf',
      disposition: `attachment; filename="${filename}"`,
      length: content.length,
    });
  }
}

/** `GET /api/invoices.csv`: beside /api/invoices/{id}, so it has a controller of its own. */
@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api')
export class InvoicesExportController {
  constructor(private readonly invoices: InvoicesService) {}

  @InvoiceReader()
  @Get('invoices.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'A month’s invoices and credit notes as CSV, for accounting' })
  @ApiOkResponse({ description: 'One row per document, by number, with a header row' })
  async csv(@CurrentActor() actor: Actor, @Query() query: ExportInvoicesQuery): Promise<StreamableFile> {
    const lines = await this.invoices.csv(actor, query);
    return new StreamableFile(Readable.from(lines), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="invoices-${query.period}.csv"`,
    });
  }
}
