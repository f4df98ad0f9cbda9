// NestJS, hop 1: an HTTP app on the Fastify adapter. A guard checks the bearer token (before the
// body is validated), the ValidationPipe checks the cart, a ClientProxy asks orders over TCP.
import 'reflect-metadata';
import {
  BadGatewayException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UnprocessableEntityException,
  UseGuards,
  ValidationPipe,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { firstValueFrom } from 'rxjs';
import { bearerVerifier, jwksFromEnv, type Principal } from '../shared/bearer.ts';
import { CartDto, validation } from './dto.ts';

const verify = bearerVerifier(jwksFromEnv());

@Injectable()
class BearerGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: Principal }>();
    const user = await verify(request.headers.authorization);
    if (!user) throw new UnauthorizedException();
    request.user = user;
    return true;
  }
}

@Controller('api/v1/orders')
class QuoteController {
  constructor(@Inject('ORDERS') private readonly orders: ClientProxy) {}

  @Post('quote')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async quote(@Body() cart: CartDto, @Req() request: { user: Principal }) {
    try {
      return await firstValueFrom(this.orders.send('orders.quote', { items: cart.items, user: request.user.sub }));
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 422) throw new UnprocessableEntityException((error as { message: string }).message);
      throw new BadGatewayException('orders failed');
    }
  }
}

@Module({
  imports: [ClientsModule.register([{ name: 'ORDERS', transport: Transport.TCP, options: { host: '127.0.0.1', port: Number(process.env.ORDERS_PORT) } }])],
  controllers: [QuoteController],
  providers: [BearerGuard],
})
class EdgeModule {}

const app = await NestFactory.create<NestFastifyApplication>(EdgeModule, new FastifyAdapter(), { logger: false });
app.useGlobalPipes(new ValidationPipe(validation));
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.stdout.write(`${JSON.stringify({ ready: (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1') })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
