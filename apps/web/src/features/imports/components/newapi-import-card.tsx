// Settings → "Move from NewAPI / one-api": pick the source, run the dry run, read its report, then
// import for real with the same source. Changing the source drops the report: an Import button
// never runs against anything but what the report on screen was made from.
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Input, Popconfirm, Segmented, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/error-alert';
import { type NewApiReport as Report, type NewApiSource, useNewApiImport } from '../api/imports-api';
import { NewApiReport } from './newapi-report';

type Mode = 'file' | 'url';

const DATABASE_URL = /^(postgres|postgresql|mysql):\/\/\S+$/i;

export function NewApiImportCard() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('file');
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState('');
  const [dryRun, setDryRun] = useState<Report | null>(null);
  const [result, setResult] = useState<Report | null>(null);
  const run = useNewApiImport();

  const source: NewApiSource | null =
    mode === 'file' ? (file ? { file } : null) : DATABASE_URL.test(url.trim()) ? { url } : null;
  const reset = () => {
    setDryRun(null);
    setResult(null);
    run.reset();
  };
  const start = (real: boolean) => {
    if (!source) return;
    run.mutate(
      { source, dryRun: !real },
      { onSuccess: (report) => (real ? setResult(report) : (setDryRun(report), setResult(null))) },
    );
  };

  return (
    <Card size="small" title={t('imports.title')} data-testid="newapi-import">
      <Typography.Paragraph type="secondary">{t('imports.intro')}</Typography.Paragraph>
      <Flex vertical gap={12}>
        <Segmented<Mode>
          value={mode}
          onChange={(value) => {
            setMode(value);
            reset();
          }}
          options={[
            { value: 'file', label: t('imports.sourceFile') },
            { value: 'url', label: t('imports.sourceUrl') },
          ]}
          data-testid="newapi-mode"
        />
        {mode === 'file' ? (
          <Upload.Dragger
            accept=".db,.sqlite,.sqlite3"
            maxCount={1}
            fileList={
              file ? [{ uid: 'newapi-db', name: file.name, size: file.size, status: 'done' as const }] : []
            }
            beforeUpload={(chosen) => {
              setFile(chosen);
              reset();
              return false; // sent with the dry run, not on its own
            }}
            onRemove={() => {
              setFile(null);
              reset();
            }}
            data-testid="newapi-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('imports.fileDrop')}</p>
            <p className="ant-upload-hint">{t('imports.fileHint')}</p>
          </Upload.Dragger>
        ) : (
          <Flex vertical gap={4}>
            <Input
              value={url}
              onChange={(event) => {
                setUrl(event.target.value);
                reset();
              }}
              placeholder="mysql://newapi:secret@db.example.com:3306/newapi"
              status={url.trim() !== '' && !DATABASE_URL.test(url.trim()) ? 'error' : undefined}
              data-testid="newapi-url"
            />
            <Typography.Text type="secondary">{t('imports.urlHint')}</Typography.Text>
          </Flex>
        )}
        <Flex gap={8} wrap>
          <Button
            onClick={() => start(false)}
            disabled={!source}
            loading={run.isPending && run.variables?.dryRun === true}
            data-testid="newapi-dry-run"
          >
            {t('imports.dryRun')}
          </Button>
          <Popconfirm
            title={t('imports.confirmTitle')}
            description={t('imports.confirmText')}
            okText={t('imports.import')}
            cancelText={t('common.cancel')}
            onConfirm={() => start(true)}
            disabled={!dryRun || !source}
          >
            <Button
              type="primary"
              disabled={!dryRun || !source}
              loading={run.isPending && run.variables?.dryRun === false}
              data-testid="newapi-run"
            >
              {t('imports.import')}
            </Button>
          </Popconfirm>
        </Flex>
        {run.isError ? (
          <Alert
            type="error"
            showIcon
            title={t('imports.failed')}
            description={describeError(t, run.error)}
            data-testid="newapi-error"
          />
        ) : null}
        {result ? (
          <>
            <Alert type="success" showIcon title={t('imports.done')} description={t('imports.doneHint')} />
            <NewApiReport report={result} />
          </>
        ) : dryRun ? (
          <>
            <Alert
              type="info"
              showIcon
              title={t('imports.dryRunDone')}
              description={t('imports.dryRunHint')}
            />
            <NewApiReport report={dryRun} />
          </>
        ) : null}
      </Flex>
    </Card>
  );
}
