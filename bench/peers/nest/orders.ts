// NestJS, hop 2: a microservice on TCP answering `orders.quote`; asks catalog through a ClientProxy.
import 'reflect-metadata';
import { Controller, Inject, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, MessagePattern, Payload, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { priceQuote, type Product } from '../shared/products.ts';
import { QuoteRequestDto, validation } from './dto.ts';

@Controller()
class OrdersController {
  constructor(@Inject('CATALOG') private readonly catalog: ClientProxy) {}

  @MessagePattern('orders.quote')
  async quote(@Payload() { items }: QuoteRequestDto) {
    const ids = [...new Set(items.map((item) => item.productId))];
    const { items: priced } = await firstValueFrom(this.catalog.send<{ items: Product[] }>('catalog.lookup', { ids }));
    const result = priceQuote(items, priced);
    if ('unknown' in result) throw new RpcException({ status: 422, message: `product ${result.unknown.productId} does not exist`, field: `items/${result.unknown.index}/productId` });
    return result.quote;
  }
}

@Module({
  imports: [ClientsModule.register([{ name: 'CATALOG', transport: Transport.TCP, options: { host: '127.0.0.1', port: Number(process.env.CATALOG_PORT) } }])],
  controllers: [OrdersController],
})
class OrdersModule {}

const app = await NestFactory.createMicroservice<MicroserviceOptions>(OrdersModule, {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port: Number(process.env.PORT) },
  logger: false,
});
app.useGlobalPipes(new ValidationPipe({ ...validation, exceptionFactory: (errors) => new RpcException({ status: 400, message: errors.map(String).join('; ') }) }));
await app.listen();
process.stdout.write(`${JSON.stringify({ ready: 'orders' })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
